package interchange

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parser reads one JSON value from a byte slice, field by field, for the
// strict decoder. It does not build a generic tree: the decoder asks for the
// value it expects at each key and the parser either delivers it or records a
// problem at the current path and skips the value. Paths are kept as a stack
// and turned into text only when a problem is recorded, so that a clean
// household costs no path strings.
//
// The input normally comes from encoding/json's Decoder, which has already
// checked the syntax; the parser still refuses malformed input (setting
// broken) rather than trusting it, so that DecodeHousehold is safe on any
// bytes.
type parser struct {
	data   []byte
	pos    int
	path   []pathElem
	errs   FieldErrors
	broken bool // the input is not well-formed JSON

	codeIsString bool // the household's last "code" was a string

	pathBuf [8]pathElem // the path stack's usual room, allocated with the parser
}

// pathElem is one step of a path: an object key, or an array index when
// key is "".
type pathElem struct {
	key   string
	index int
}

// kind is the type of the next JSON value.
type kind uint8

const (
	kindEnd kind = iota // no value: end of input or malformed
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
	kindNull
)

func (p *parser) push(key string) { p.path = append(p.path, pathElem{key: key}) }
func (p *parser) pushIndex(i int) { p.path = append(p.path, pathElem{index: i}) }
func (p *parser) pop()            { p.path = p.path[:len(p.path)-1] }
func (p *parser) fail(msg string) {
	p.errs = append(p.errs, FieldError{Path: p.pathString(), Message: msg})
}
func (p *parser) failAt(key, msg string) {
	p.push(key)
	p.fail(msg)
	p.pop()
}

// pathString renders the path stack: members[1].id_number.
func (p *parser) pathString() string {
	var b strings.Builder
	for _, e := range p.path {
		if e.key == "" {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.key)
	}
	return b.String()
}

// forget drops the problems recorded at or under the current path: a
// repeated key keeps its last value (rules.md §6), and with it only the last
// value's problems.
func (p *parser) forget() {
	prefix := p.pathString()
	kept := p.errs[:0]
	for _, e := range p.errs {
		if e.Path == prefix || strings.HasPrefix(e.Path, prefix) &&
			(e.Path[len(prefix)] == '.' || e.Path[len(prefix)] == '[') {
			continue
		}
		kept = append(kept, e)
	}
	p.errs = kept
}

func (p *parser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek reports the kind of the next value without consuming it.
func (p *parser) peek() kind {
	p.ws()
	if p.broken || p.pos >= len(p.data) {
		return kindEnd
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '"':
		return kindString
	case c == 't' || c == 'f':
		return kindBool
	case c == 'n':
		return kindNull
	case c == '-' || c >= '0' && c <= '9':
		return kindNumber
	}
	return kindEnd
}

// typeName is the Chinese name of a kind, for messages.
func (k kind) typeName() string {
	switch k {
	case kindObject:
		return "对象"
	case kindArray:
		return "数组"
	case kindString:
		return "字符串"
	case kindNumber:
		return "数字"
	case kindBool:
		return "布尔值"
	case kindNull:
		return "null"
	}
	return "无效值"
}

func (p *parser) syntax() {
	p.broken = true
	p.pos = len(p.data)
}

// object reads an object, calling field for each key with the parser
// positioned at the value; field must consume the value. The key bytes are
// only valid during the call.
func (p *parser) object(field func(key []byte)) {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '{' {
		p.syntax()
		return
	}
	p.pos++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return
	}
	for !p.broken {
		p.ws()
		key, ok := p.rawString()
		if !ok {
			p.syntax()
			return
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			p.syntax()
			return
		}
		p.pos++
		start := p.pos
		field(key)
		if p.pos == start && !p.broken {
			p.skip() // a field handler that took nothing
		}
		p.ws()
		if p.pos >= len(p.data) {
			p.syntax()
			return
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return
		default:
			p.syntax()
			return
		}
	}
}

// array reads an array, calling item for each element with its index; item
// must consume the element.
func (p *parser) array(item func(i int)) {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '[' {
		p.syntax()
		return
	}
	p.pos++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return
	}
	for i := 0; !p.broken; i++ {
		start := p.pos
		p.pushIndex(i)
		item(i)
		p.pop()
		if p.pos == start && !p.broken {
			p.skip()
		}
		p.ws()
		if p.pos >= len(p.data) {
			p.syntax()
			return
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return
		default:
			p.syntax()
			return
		}
	}
}

// rawString reads a string token and returns its content, unescaped. The
// common case (no escapes, valid UTF-8) returns a slice of the input without
// copying.
func (p *parser) rawString() ([]byte, bool) {
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return nil, false
	}
	start := p.pos + 1
	end := bytes.IndexByte(p.data[start:], '"')
	if end < 0 {
		return nil, false
	}
	s := p.data[start : start+end]
	if bytes.IndexByte(s, '\\') < 0 {
		plain := true
		for _, c := range s {
			if c < 0x20 {
				return nil, false
			}
			if c >= utf8.RuneSelf {
				plain = false
			}
		}
		if plain || utf8.Valid(s) {
			p.pos = start + end + 1
			return s, true
		}
	}
	return p.slowString(start)
}

// slowString reads a string with escapes or invalid UTF-8 the way
// encoding/json reads every other string (invalid bytes become U+FFFD).
func (p *parser) slowString(start int) ([]byte, bool) {
	for i := start; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '\\':
			i++
		case c == '"':
			var out string
			if err := json.Unmarshal(p.data[start-1:i+1], &out); err != nil {
				return nil, false
			}
			p.pos = i + 1
			return []byte(out), true
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// skip consumes one value of any kind.
func (p *parser) skip() {
	switch p.peek() {
	case kindObject:
		p.object(func([]byte) { p.skip() })
	case kindArray:
		p.array(func(int) { p.skip() })
	case kindString:
		if _, ok := p.rawString(); !ok {
			p.syntax()
		}
	case kindNumber:
		if p.number() == nil {
			p.syntax()
		}
	case kindBool, kindNull:
		p.literal()
	default:
		p.syntax()
	}
}

// literal consumes true, false or null and returns it.
func (p *parser) literal() string {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(p.data)-p.pos >= len(lit) && string(p.data[p.pos:p.pos+len(lit)]) == lit {
			p.pos += len(lit)
			return lit
		}
	}
	p.syntax()
	return ""
}

// number consumes a number token (JSON grammar) and returns its text, or
// nil when it is malformed.
func (p *parser) number() []byte {
	start, i := p.pos, p.pos
	d := p.data
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	p.pos = i
	return d[start:i]
}

// wrongType records that the value has the wrong type and skips it.
func (p *parser) wrongType(want string) {
	k := p.peek()
	if k == kindNull {
		p.fail("不能为 null，应为" + want)
	} else {
		p.fail("应为" + want + "，实为" + k.typeName())
	}
	p.skip()
}
