package metrics

import (
	"slices"
	"sort"
	"strings"
)

// Tag is one key/value pair of a TagSet.
type Tag struct{ Key, Value string }

// TagSet is an immutable, sorted set of tags. A nil *TagSet is the empty set.
// Derive new sets with With/WithMany; never modify one in place, because the
// same set is shared by every sample of a request and by other goroutines.
type TagSet struct {
	tags []Tag
}

// NewTagSet builds a set from a map.
func NewTagSet(m map[string]string) *TagSet {
	if len(m) == 0 {
		return nil
	}
	tags := make([]Tag, 0, len(m))
	for k, v := range m {
		tags = append(tags, Tag{k, v})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return &TagSet{tags: tags}
}

func (s *TagSet) search(key string) (int, bool) {
	i := sort.Search(len(s.tags), func(i int) bool { return s.tags[i].Key >= key })
	return i, i < len(s.tags) && s.tags[i].Key == key
}

// Get returns the value of key.
func (s *TagSet) Get(key string) (string, bool) {
	if s == nil {
		return "", false
	}
	if i, ok := s.search(key); ok {
		return s.tags[i].Value, true
	}
	return "", false
}

// Len is the number of tags.
func (s *TagSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.tags)
}

// Tags returns the tags in key order. The slice must not be modified.
func (s *TagSet) Tags() []Tag {
	if s == nil {
		return nil
	}
	return s.tags
}

// With returns a set with key set to value.
func (s *TagSet) With(key, value string) *TagSet {
	if s == nil {
		return &TagSet{tags: []Tag{{key, value}}}
	}
	i, found := s.search(key)
	if found && s.tags[i].Value == value {
		return s
	}
	n := len(s.tags)
	if !found {
		n++
	}
	tags := make([]Tag, 0, n)
	tags = append(tags, s.tags[:i]...)
	tags = append(tags, Tag{key, value})
	if found {
		tags = append(tags, s.tags[i+1:]...)
	} else {
		tags = append(tags, s.tags[i:]...)
	}
	return &TagSet{tags: tags}
}

// WithMany returns a set with all pairs of m set. It allocates once.
func (s *TagSet) WithMany(m map[string]string) *TagSet {
	if len(m) == 0 {
		return s
	}
	merged := make(map[string]string, s.Len()+len(m))
	for _, t := range s.Tags() {
		merged[t.Key] = t.Value
	}
	for k, v := range m {
		merged[k] = v
	}
	return NewTagSet(merged)
}

// Without returns a set without key.
func (s *TagSet) Without(key string) *TagSet {
	if s == nil {
		return nil
	}
	i, found := s.search(key)
	if !found {
		return s
	}
	if len(s.tags) == 1 {
		return nil
	}
	tags := make([]Tag, 0, len(s.tags)-1)
	tags = append(tags, s.tags[:i]...)
	tags = append(tags, s.tags[i+1:]...)
	return &TagSet{tags: tags}
}

// Map returns a copy of the tags as a map.
func (s *TagSet) Map() map[string]string {
	m := make(map[string]string, s.Len())
	for _, t := range s.Tags() {
		m[t.Key] = t.Value
	}
	return m
}

// String renders the set as {k:v,k2:v2}, for logs and tests.
func (s *TagSet) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, t := range s.Tags() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t.Key)
		b.WriteByte(':')
		b.WriteString(t.Value)
	}
	b.WriteByte('}')
	return b.String()
}

// Builder collects tags for one sample set with at most one allocation at
// the end; the HTTP module builds a request's tags with it. Consecutive
// requests of a VU mostly carry the same tags, so a builder remembers the
// last set it built and returns it again when the tags are equal: no
// allocation, and fewer distinct sets for the engine to look at.
type Builder struct {
	tags []Tag
	last *TagSet
}

// Reset starts a new set from base, reusing the builder's buffer.
func (b *Builder) Reset(base *TagSet) {
	b.tags = append(b.tags[:0], base.Tags()...)
}

// Set sets key to value.
func (b *Builder) Set(key, value string) {
	for i := range b.tags {
		if b.tags[i].Key == key {
			b.tags[i].Value = value
			return
		}
	}
	b.tags = append(b.tags, Tag{key, value})
}

// Delete removes key.
func (b *Builder) Delete(key string) {
	for i := range b.tags {
		if b.tags[i].Key == key {
			b.tags = append(b.tags[:i], b.tags[i+1:]...)
			return
		}
	}
}

// TagSet returns the built set; the builder may be reused afterwards.
func (b *Builder) TagSet() *TagSet {
	if len(b.tags) == 0 {
		return nil
	}
	slices.SortFunc(b.tags, func(x, y Tag) int { return strings.Compare(x.Key, y.Key) })
	if b.last != nil && slices.Equal(b.last.tags, b.tags) {
		return b.last
	}
	b.last = &TagSet{tags: slices.Clone(b.tags)}
	return b.last
}
