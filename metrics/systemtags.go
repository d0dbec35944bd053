package metrics

import (
	"fmt"
	"strings"
)

// SystemTag is one of the tags stampede attaches by itself.
type SystemTag uint32

// The system tags of k6 v0.32.
const (
	TagProto SystemTag = 1 << iota
	TagSubproto
	TagStatus
	TagMethod
	TagURL
	TagName
	TagGroup
	TagCheck
	TagError
	TagErrorCode
	TagTLSVersion
	TagScenario
	TagService
	TagExpectedResponse
	TagIter
	TagVU
	TagOCSPStatus
	TagIP
)

var systemTagNames = []struct {
	tag  SystemTag
	name string
}{
	{TagProto, "proto"}, {TagSubproto, "subproto"}, {TagStatus, "status"}, {TagMethod, "method"},
	{TagURL, "url"}, {TagName, "name"}, {TagGroup, "group"}, {TagCheck, "check"}, {TagError, "error"},
	{TagErrorCode, "error_code"}, {TagTLSVersion, "tls_version"}, {TagScenario, "scenario"},
	{TagService, "service"}, {TagExpectedResponse, "expected_response"}, {TagIter, "iter"},
	{TagVU, "vu"}, {TagOCSPStatus, "ocsp_status"}, {TagIP, "ip"},
}

// SystemTagSet is a set of enabled system tags.
type SystemTagSet uint32

// DefaultSystemTags is k6 v0.32's default: everything but iter, vu,
// ocsp_status and ip.
const DefaultSystemTags = SystemTagSet(TagProto | TagSubproto | TagStatus | TagMethod | TagURL | TagName |
	TagGroup | TagCheck | TagError | TagErrorCode | TagTLSVersion | TagScenario | TagService | TagExpectedResponse)

// Has reports whether t is enabled.
func (s SystemTagSet) Has(t SystemTag) bool { return uint32(s)&uint32(t) != 0 }

// ParseSystemTags builds a set from tag names.
func ParseSystemTags(names []string) (SystemTagSet, error) {
	var s SystemTagSet
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		found := false
		for _, st := range systemTagNames {
			if st.name == n {
				s |= SystemTagSet(st.tag)
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown system tag %q", n)
		}
	}
	return s, nil
}

// Names lists the enabled tag names in k6's order.
func (s SystemTagSet) Names() []string {
	var out []string
	for _, st := range systemTagNames {
		if s.Has(st.tag) {
			out = append(out, st.name)
		}
	}
	return out
}
