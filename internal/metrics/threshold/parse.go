package threshold

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep hostile or generated input from recursing without bound.
// Real thresholds are a handful of levels deep.
const (
	maxDepth   = 64  // depth of the expression tree (bounds Eval's recursion)
	maxNesting = 256 // parentheses plus prefix operators (bounds the parser's recursion)
)

// Expr is a parsed threshold expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	src  string
	root *node
	aggs []string
	pcts []float64
}

// SyntaxError describes why a threshold expression was rejected.
type SyntaxError struct {
	Source string // the expression as written
	Pos    int    // 1-based character (not byte) position of the problem; 0 if none applies
	Msg    string // what is wrong, e.g. `unexpected "<"`
	Hint   string // optional advice on how to fix it
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid threshold %q: %s", e.Source, e.Msg)
	if e.Pos > 0 {
		fmt.Fprintf(&b, " at position %d", e.Pos)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, " (%s)", e.Hint)
	}
	return b.String()
}

// Parse parses a threshold expression; see the package documentation for the
// grammar. The error, if any, is a *SyntaxError.
func Parse(src string) (*Expr, error) {
	if strings.TrimFunc(src, isSpace) == "" {
		return nil, &SyntaxError{Source: src, Msg: "empty expression"}
	}
	p := &parser{src: src}
	if err := p.advance(); err != nil {
		return nil, err
	}
	root, err := p.binary(1)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected(p.tok, "")
	}
	e := &Expr{src: src, root: root}
	e.collect(root)
	return e, nil
}

// Source returns the expression exactly as it was passed to Parse.
func (e *Expr) Source() string { return e.src }

// String returns the expression as written, so an Expr prints like the
// threshold the user declared.
func (e *Expr) String() string { return e.src }

// Aggregations lists, in order of first use and without duplicates, the
// aggregate names the expression reads, with percentiles in "p(95)" form.
// Callers compare it against the metric type (see Check) before the test
// starts.
func (e *Expr) Aggregations() []string {
	return append([]string(nil), e.aggs...)
}

// Percentiles lists, in order of first use and without duplicates, the
// arguments of the p(N) calls in the expression (e.g. 95, 99.9), so a sink
// knows which percentiles it will be asked for.
func (e *Expr) Percentiles() []float64 {
	return append([]float64(nil), e.pcts...)
}

// collect fills aggs and pcts; it walks left to right so the lists follow
// the order in which the user wrote the names.
func (e *Expr) collect(n *node) {
	if n == nil {
		return
	}
	switch n.op {
	case opAgg, opPct:
		for _, a := range e.aggs {
			if a == n.name {
				return
			}
		}
		e.aggs = append(e.aggs, n.name)
		if n.op == opPct {
			e.pcts = append(e.pcts, n.pct)
		}
		return
	}
	e.collect(n.x)
	e.collect(n.y)
}

type opcode uint8

const (
	opLit opcode = iota // constant: number or boolean
	opAgg               // named aggregate, e.g. avg
	opPct               // percentile call p(N)
	opNot
	opNeg
	opPos
	opMul
	opDiv
	opMod
	opAdd
	opSub
	opLT
	opLE
	opGT
	opGE
	opEq
	opStrictEq
	opNe
	opStrictNe
	opAnd
	opOr
)

// node is one vertex of the expression tree. Leaves use val (opLit) or
// name/pct (opAgg, opPct); unary operators use x; binary ones x and y.
type node struct {
	op    opcode
	depth int
	val   value
	name  string // aggregate name; "p(N)" form for percentiles
	pct   float64
	x, y  *node
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNum
	tokIdent
	tokLParen
	tokRParen
	tokOp
)

type token struct {
	kind tokKind
	off  int    // byte offset in the source
	text string // the token as written
	num  float64
}

type parser struct {
	src  string
	off  int // byte offset of the first unscanned character
	tok  token
	nest int
}

// errorAt builds a SyntaxError for the byte offset off, converting it to the
// character position users see in their editor.
func (p *parser) errorAt(off int, msg, hint string) *SyntaxError {
	return &SyntaxError{Source: p.src, Pos: p.position(off), Msg: msg, Hint: hint}
}

func (p *parser) position(off int) int {
	return utf8.RuneCountInString(p.src[:off]) + 1
}

func (p *parser) unexpected(t token, hint string) *SyntaxError {
	if t.kind == tokEOF {
		return p.errorAt(t.off, "unexpected end of expression", hint)
	}
	return p.errorAt(t.off, fmt.Sprintf("unexpected %q", t.text), hint)
}

// advance scans the next token into p.tok.
func (p *parser) advance() error {
	for p.off < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.off:])
		if !isSpace(r) {
			break
		}
		p.off += size
	}
	start := p.off
	if start == len(p.src) {
		p.tok = token{kind: tokEOF, off: start}
		return nil
	}
	c := p.src[start]
	switch {
	case isDigit(c) || c == '.' && start+1 < len(p.src) && isDigit(p.src[start+1]):
		return p.number()
	case isIdentStart(c):
		end := start + 1
		for end < len(p.src) && isIdentPart(p.src[end]) {
			end++
		}
		p.setTok(tokIdent, end)
		return nil
	case c == '(':
		p.setTok(tokLParen, start+1)
		return nil
	case c == ')':
		p.setTok(tokRParen, start+1)
		return nil
	}
	return p.operator()
}

func (p *parser) setTok(kind tokKind, end int) {
	p.tok = token{kind: kind, off: p.off, text: p.src[p.off:end]}
	p.off = end
}

func (p *parser) operator() error {
	start := p.off
	rest := p.src[start:]
	for _, op := range [...]string{"===", "!==", "==", "!=", "<=", ">=", "&&", "||"} {
		if strings.HasPrefix(rest, op) {
			p.setTok(tokOp, start+len(op))
			return nil
		}
	}
	if strings.HasPrefix(rest, "++") || strings.HasPrefix(rest, "--") {
		return p.errorAt(start, fmt.Sprintf("unexpected %q", rest[:2]),
			"JavaScript reads it as increment/decrement; put a space between the signs")
	}
	switch rest[0] {
	case '<', '>', '+', '-', '*', '/', '%', '!':
		p.setTok(tokOp, start+1)
		return nil
	case '=':
		return p.errorAt(start, `unexpected "="`, "use == or === to compare")
	case '&':
		return p.errorAt(start, `unexpected "&"`, "use && for a logical and")
	case '|':
		return p.errorAt(start, `unexpected "|"`, "use || for a logical or")
	}
	r, size := utf8.DecodeRuneInString(rest)
	text := rest[:size]
	if r != utf8.RuneError {
		text = string(r)
	}
	return p.errorAt(start, fmt.Sprintf("unexpected %q", text), "")
}

// number scans a JavaScript decimal literal. Hex, octal, binary and numeric
// separators are not threshold idioms, so they fall out as syntax errors.
func (p *parser) number() error {
	src, start := p.src, p.off
	i := start
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	intDigits := i - start
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j == len(src) || !isDigit(src[j]) {
			return p.errorAt(start, fmt.Sprintf("invalid number %q", src[start:j]), "an exponent needs digits, e.g. 1e3")
		}
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		i = j
	}
	text := src[start:i]
	if intDigits > 1 && src[start] == '0' {
		// JavaScript would read a legacy octal here; refuse rather than guess.
		return p.errorAt(start, fmt.Sprintf("invalid number %q", text), "leading zeros are not allowed")
	}
	if i < len(src) {
		if r, _ := utf8.DecodeRuneInString(src[i:]); r == '_' || r == '$' || unicode.IsLetter(r) {
			end := i
			for end < len(src) {
				r, size := utf8.DecodeRuneInString(src[end:])
				if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				end += size
			}
			word := src[i:end]
			return p.errorAt(i, fmt.Sprintf("unexpected %q after number", word), unitHint(word))
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		// Unreachable for what the scanner accepts, but never trust that silently.
		return p.errorAt(start, fmt.Sprintf("invalid number %q", text), "")
	}
	// On ErrRange ParseFloat returns ±Inf or 0, which is what JavaScript yields too.
	p.tok = token{kind: tokNum, off: start, text: text, num: f}
	p.off = i
	return nil
}

// unitHint explains the most common mistake behind "200ms"-style input.
func unitHint(word string) string {
	switch strings.ToLower(word) {
	case "ns", "us", "µs", "ms", "s", "sec", "secs", "m", "min", "mins", "h":
		return "thresholds take plain numbers; times are in milliseconds"
	case "b", "kb", "mb", "gb", "kib", "mib", "gib":
		return "thresholds take plain numbers; data sizes are in bytes"
	}
	return ""
}

func binaryOp(t token) (opcode, int) {
	if t.kind != tokOp {
		return 0, 0
	}
	switch t.text {
	case "||":
		return opOr, 1
	case "&&":
		return opAnd, 2
	case "==":
		return opEq, 3
	case "===":
		return opStrictEq, 3
	case "!=":
		return opNe, 3
	case "!==":
		return opStrictNe, 3
	case "<":
		return opLT, 4
	case "<=":
		return opLE, 4
	case ">":
		return opGT, 4
	case ">=":
		return opGE, 4
	case "+":
		return opAdd, 5
	case "-":
		return opSub, 5
	case "*":
		return opMul, 6
	case "/":
		return opDiv, 6
	case "%":
		return opMod, 6
	}
	return 0, 0
}

// binary parses operators of precedence minPrec and above by precedence
// climbing; passing prec+1 for the right operand makes them left-associative.
func (p *parser) binary(minPrec int) (*node, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		op, prec := binaryOp(p.tok)
		if prec == 0 || prec < minPrec {
			return left, nil
		}
		opTok := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.binary(prec + 1)
		if err != nil {
			return nil, err
		}
		if left, err = p.join(opTok, &node{op: op, x: left, y: right}); err != nil {
			return nil, err
		}
	}
}

// join finishes an operator node, refusing trees deeper than Eval should
// recurse.
func (p *parser) join(at token, n *node) (*node, error) {
	n.depth = n.x.depth
	if n.y != nil && n.y.depth > n.depth {
		n.depth = n.y.depth
	}
	n.depth++
	if n.depth > maxDepth {
		return nil, p.errorAt(at.off, "expression is nested too deeply", fmt.Sprintf("at most %d levels", maxDepth))
	}
	return n, nil
}

func (p *parser) enter(at token) error {
	p.nest++
	if p.nest > maxNesting {
		return p.errorAt(at.off, "expression is nested too deeply", fmt.Sprintf("at most %d levels", maxNesting))
	}
	return nil
}

func (p *parser) unary() (*node, error) {
	if p.tok.kind != tokOp {
		return p.primary()
	}
	var op opcode
	switch p.tok.text {
	case "!":
		op = opNot
	case "-":
		op = opNeg
	case "+":
		op = opPos
	default:
		return nil, p.unexpected(p.tok, "")
	}
	opTok := p.tok
	if err := p.enter(opTok); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	p.nest--
	return p.join(opTok, &node{op: op, x: x})
}

func (p *parser) primary() (*node, error) {
	t := p.tok
	switch t.kind {
	case tokNum:
		if err := p.advance(); err != nil {
			return nil, err
		}
		return &node{op: opLit, depth: 1, val: number(t.num)}, nil
	case tokLParen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		n, err := p.binary(1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, p.unexpected(p.tok, fmt.Sprintf(`missing ")" for the "(" at position %d`, p.position(t.off)))
		}
		p.nest--
		return n, p.advance()
	case tokIdent:
		return p.identifier()
	}
	return nil, p.unexpected(t, "")
}

func (p *parser) identifier() (*node, error) {
	t := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	called := p.tok.kind == tokLParen
	if t.text == "p" {
		if !called {
			return nil, p.errorAt(t.off, `"p" needs a percentile argument`, "e.g. p(95)")
		}
		return p.percentile()
	}
	var n *node
	switch t.text {
	case "count", "rate", "value", "avg", "min", "max", "med", "passes", "fails":
		n = &node{op: opAgg, depth: 1, name: t.text}
	case "true":
		n = &node{op: opLit, depth: 1, val: boolean(true)}
	case "false":
		n = &node{op: opLit, depth: 1, val: boolean(false)}
	case "Infinity":
		n = &node{op: opLit, depth: 1, val: number(math.Inf(1))}
	case "NaN":
		n = &node{op: opLit, depth: 1, val: number(math.NaN())}
	default:
		if called {
			return nil, p.errorAt(t.off, fmt.Sprintf("unknown function %q", t.text), "only p(N) can be called")
		}
		hint := "known: count, rate, value, avg, min, max, med, passes, fails, p(N)"
		switch lower := strings.ToLower(t.text); lower {
		case "count", "rate", "value", "avg", "min", "max", "med", "passes", "fails":
			hint = fmt.Sprintf("did you mean %q?", lower)
		}
		return nil, p.errorAt(t.off, fmt.Sprintf("unknown aggregation %q", t.text), hint)
	}
	if called {
		return nil, p.errorAt(t.off, fmt.Sprintf("%q is not a function", t.text), "")
	}
	return n, nil
}

// percentile parses "(N)" after "p"; p.tok is the "(".
func (p *parser) percentile() (*node, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	arg := p.tok
	const want = "a number between 0 and 100"
	switch {
	case arg.kind == tokRParen:
		return nil, p.errorAt(arg.off, "p() needs a percentile", "e.g. p(95)")
	case arg.kind != tokNum:
		return nil, p.errorAt(arg.off, fmt.Sprintf("the percentile must be %s", want), "e.g. p(95)")
	case !(arg.num >= 0 && arg.num <= 100):
		return nil, p.errorAt(arg.off, fmt.Sprintf("percentile %s is out of range", arg.text), "must be "+want)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokRParen {
		return nil, p.unexpected(p.tok, `p() takes one number and a ")"`)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return &node{op: opPct, depth: 1, pct: arg.num, name: percentileName(arg.num)}, nil
}

func percentileName(pct float64) string {
	return "p(" + strconv.FormatFloat(pct, 'g', -1, 64) + ")"
}

// isSpace follows JavaScript's notion of white space and line terminators
// closely enough: everything Unicode calls space, plus the BOM.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '$'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }
