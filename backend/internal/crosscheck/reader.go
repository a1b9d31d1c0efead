package crosscheck

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Record is a validated row. Values are normalised: dates YYYY-MM-DD, money
// with two decimals ("45000.00"), ints plain, enums their code, bools
// "true"/"false", text trimmed. Missing optional values are absent from the
// map; the ID number and name are in their own fields, not in Values.
type Record struct {
	Row      int    // 1-based row number in the sheet/file, header row = 1
	IDNumber string // upper-cased, validated GB 11643
	Name     string
	Values   map[string]string
	// Example is true for a row equal to the template's example row; the
	// caller should skip it (a template uploaded without removing it).
	Example bool
}

// Problem is one bad cell (or a whole-file problem with Row 0 / Column "").
type Problem struct {
	Row    int
	Column string // the Chinese header
	Value  string // the cell as found (clipped to 100 characters)
	Reason string // Chinese, says what to fix
}

// Errors of Open and the constructors (wrapped, with a Chinese message fit
// for the user); match them with errors.Is.
var (
	ErrUnsupportedFormat = errors.New("只支持 .xlsx 或 .csv 文件")
	ErrUnreadable        = errors.New("文件无法读取")
)

// now is the clock the reader bounds dates with (tests replace it).
var now = time.Now

// Reader streams the rows of one dataset's file, validating every cell.
// It is not safe for concurrent use.
type Reader struct {
	ds      Dataset
	cols    []Column // the dataset's columns, lookups ready
	idx     []int    // for each column, its index in the file's rows, or -1
	env     *parseEnv
	src     source
	header  []Problem
	done    bool
	example []string // each column's example, normalised ("" when none)
	trimmed []string // the current row's cells, trimmed, by column
	counter *countingReader
	size    int64
	lastErr int // line of the last CSV syntax error (no loop on the same one)
}

// source yields the rows of a file: the cells and the 1-based row number;
// io.EOF at the end.
type source interface {
	next() ([]string, int, error)
	close() error
}

// Open opens a dataset's file: .csv (UTF-8 with or without BOM, GB18030 /
// GBK or UTF-16 with BOM are recognised too) or .xlsx (first sheet other
// than 填写说明, streamed). The header is read at once; see HeaderProblems.
func Open(ds Dataset, path string) (*Reader, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".txt":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		var size int64
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		r, err := newCSV(ds, f, f)
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		r.size = size
		return r, nil
	case ".xlsx", ".xlsm":
		f, err := openXLSXFile(path)
		if err != nil {
			return nil, err
		}
		return newXLSX(ds, f)
	case ".xls":
		return nil, fmt.Errorf("%w：不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 .csv 后上传", ErrUnsupportedFormat)
	default:
		return nil, fmt.Errorf("%w，收到的文件扩展名是“%s”：请使用数据集模板（.xlsx）或另存为 UTF-8 编码的 .csv", ErrUnsupportedFormat, ext)
	}
}

func openXLSXFile(path string) (f *excelize.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("%w：不是有效的 XLSX 文件（%v）", ErrUnreadable, p)
		}
	}()
	f, err = excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 4 << 30})
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return nil, err
		}
		return nil, fmt.Errorf("%w：不是有效的 XLSX 文件（%v）", ErrUnreadable, err)
	}
	return f, nil
}

// NewCSVReader reads a CSV from r (see Open for the encodings). Closing the
// Reader does not close r.
func NewCSVReader(ds Dataset, r io.Reader) (*Reader, error) { return newCSV(ds, r, nil) }

// NewXLSXReader reads an XLSX from r. Unlike Open it holds the whole file
// in memory: use it for small files and tests, Open for uploads.
func NewXLSXReader(ds Dataset, r io.Reader) (rd *Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rd, err = nil, fmt.Errorf("%w：不是有效的 XLSX 文件（%v）", ErrUnreadable, p)
		}
	}()
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w：不是有效的 XLSX 文件（%v）", ErrUnreadable, err)
	}
	return newXLSX(ds, f)
}

func newReader(ds Dataset, src source, env *parseEnv) (*Reader, error) {
	r := &Reader{ds: ds, cols: append([]Column(nil), ds.Columns...), src: src, env: env}
	for i := range r.cols {
		if r.cols[i].lookup == nil {
			r.cols[i].buildLookup()
		}
	}
	r.example = make([]string, len(r.cols))
	r.trimmed = make([]string, len(r.cols))
	for i := range r.cols {
		v, reason := parseCell(&r.cols[i], r.cols[i].Example, env)
		if reason == "" {
			r.example[i] = v
		}
	}
	if err := r.readHeader(); err != nil {
		_ = src.close()
		return nil, err
	}
	return r, nil
}

// headerScan is how many non-blank rows may stand before the header (a
// title row, a note).
const headerScan = 5

// readHeader finds the header row: the first non-blank row, or within the
// first few non-blank rows the first that names at least two of the
// dataset's columns (files exported by other systems often carry a title).
func (r *Reader) readHeader() error {
	names := map[string]int{}
	for i, c := range r.cols {
		for _, h := range append([]string{c.Header, c.Key}, c.Headers...) {
			if _, dup := names[normHeader(h)]; !dup {
				names[normHeader(h)] = i
			}
		}
	}
	firstRow := 0
	for scanned := 0; scanned < headerScan; {
		cells, row, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if isCSVSyntax(err) {
				continue
			}
			return err
		}
		if blankRow(cells) {
			continue
		}
		scanned++
		if firstRow == 0 {
			firstRow = row
		}
		idx, dups, matched := r.matchHeader(cells, names)
		if matched < 2 {
			continue
		}
		r.idx = idx
		for _, i := range dups {
			r.header = append(r.header, Problem{Row: row, Column: r.cols[i].Header,
				Reason: fmt.Sprintf("表头中“%s”列出现了不止一次，请只保留一列", r.cols[i].Header)})
		}
		for i, c := range r.cols {
			if idx[i] < 0 && c.Required {
				r.header = append(r.header, Problem{Row: row, Column: c.Header,
					Reason: fmt.Sprintf("缺少必填列“%s”：表头须有这一列（可下载模板对照）", c.Header)})
				r.done = true
			}
		}
		return nil
	}
	r.done = true
	if firstRow == 0 {
		r.header = append(r.header, Problem{Row: 1, Reason: "文件是空的：第1行应为表头，其下每行一条记录"})
		return nil
	}
	r.header = append(r.header, Problem{Row: firstRow,
		Reason: fmt.Sprintf("找不到“%s”的表头：第1行应为列名，须包含 %s", r.ds.Name, r.headerList())})
	return nil
}

func (r *Reader) headerList() string {
	var hs []string
	for _, c := range r.cols {
		h := c.Header
		if c.Required {
			h += "*"
		}
		hs = append(hs, h)
	}
	return strings.Join(hs, "、")
}

func (r *Reader) matchHeader(cells []string, names map[string]int) (idx, dups []int, matched int) {
	idx = make([]int, len(r.cols))
	for i := range idx {
		idx[i] = -1
	}
	for j, cell := range cells {
		i, ok := names[normHeader(cell)]
		if !ok {
			continue
		}
		if idx[i] >= 0 {
			dups = append(dups, i)
			continue
		}
		idx[i] = j
		matched++
	}
	return idx, dups, matched
}

// normHeader makes headers comparable: no required mark, no spaces,
// half-width brackets, lower-case.
func normHeader(s string) string {
	s = trimCell(s)
	s = strings.TrimRight(s, "*＊ \u3000")
	return lookupKey(s)
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if trimCell(c) != "" {
			return false
		}
	}
	return true
}

// HeaderProblems are the problems of the header row (a missing required
// column, a column twice, no header at all). When one of them is a missing
// column or a missing header, Next returns no rows.
func (r *Reader) HeaderProblems() []Problem { return append([]Problem(nil), r.header...) }

// Dataset is the dataset the reader reads.
func (r *Reader) Dataset() Dataset { return r.ds }

// Progress is how far a CSV has been read: bytes consumed and the file's
// size (0 when unknown: a CSV from NewCSVReader, or any XLSX).
func (r *Reader) Progress() (read, size int64) {
	if r.counter == nil {
		return 0, r.size
	}
	return r.counter.n, r.size
}

// Next returns the next non-blank row: its record, every problem of its
// cells (not only the first), ok false at the end. A row with problems
// still returns ok true and the record as far as it could be read; the
// caller refuses the file. err is an I/O error only; a CSV syntax error is
// a problem of its row.
func (r *Reader) Next() (rec Record, problems []Problem, ok bool, err error) {
	for !r.done {
		cells, row, err := r.src.next()
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if pe.StartLine == r.lastErr {
					r.done = true
				}
				r.lastErr = pe.StartLine
				return Record{Row: pe.StartLine}, []Problem{{Row: pe.StartLine, Reason: "CSV 格式错误：" + csvReason(pe)}}, true, nil
			}
			r.done = true
			return Record{}, nil, false, err
		}
		rec, problems, blank := r.parseRow(cells, row)
		if blank {
			continue
		}
		return rec, problems, true, nil
	}
	return Record{}, nil, false, nil
}

func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return "引号不成对，请检查该行的双引号"
	}
	return pe.Err.Error()
}

func isCSVSyntax(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

func (r *Reader) parseRow(cells []string, row int) (Record, []Problem, bool) {
	blank := true
	for i, j := range r.idx {
		s := ""
		if j >= 0 && j < len(cells) {
			s = trimCell(cells[j])
		}
		r.trimmed[i] = s
		if s != "" {
			blank = false
		}
	}
	if blank {
		return Record{}, nil, true
	}
	rec := Record{Row: row, Values: make(map[string]string, len(r.cols)-2)}
	var problems []Problem
	for i := range r.cols {
		c := &r.cols[i]
		v, reason := parseTrimmed(c, r.trimmed[i], r.env)
		if reason == "" && v == "" && c.Required {
			reason = reasonRequired
		}
		if reason != "" {
			raw := ""
			if j := r.idx[i]; j >= 0 && j < len(cells) {
				raw = cells[j]
			}
			problems = append(problems, Problem{Row: row, Column: c.Header, Value: clip(raw), Reason: reason})
			continue
		}
		if v == "" {
			continue
		}
		switch c.Key {
		case "id_number":
			rec.IDNumber = v
		case "name":
			rec.Name = v
		default:
			rec.Values[c.Key] = v
		}
	}
	problems = append(problems, rowChecks(r.ds, rec)...)
	rec.Example = r.isExample(rec)
	return rec, problems, false
}

// rowChecks are the checks across the cells of one row.
func rowChecks(ds Dataset, rec Record) []Problem {
	if ds.Code == "cadre_relatives" && rec.IDNumber != "" && rec.IDNumber == rec.Values["cadre_id_number"] {
		c, _ := ds.Column("cadre_id_number")
		return []Problem{{Row: rec.Row, Column: c.Header, Value: rec.IDNumber,
			Reason: "村干部身份证号与近亲属本人的相同：每行应是村干部的一名近亲属"}}
	}
	return nil
}

func (r *Reader) isExample(rec Record) bool {
	n := 0
	for i, c := range r.cols {
		var v string
		switch c.Key {
		case "id_number":
			v = rec.IDNumber
		case "name":
			v = rec.Name
		default:
			v = rec.Values[c.Key]
			if r.example[i] != "" {
				n++
			}
		}
		if v != r.example[i] {
			return false
		}
	}
	return n == len(rec.Values)
}

// Close releases the file (and the temporary files of a large XLSX).
func (r *Reader) Close() error {
	r.done = true
	return r.src.close()
}

// --- CSV ---

type csvSource struct {
	cr     *csv.Reader
	closer io.Closer
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, err
		}
		return nil, 0, err
	}
	line, _ := s.cr.FieldPos(0)
	return rec, line, nil
}

func (s *csvSource) close() error {
	if s.closer == nil {
		return nil
	}
	c := s.closer
	s.closer = nil
	return c.Close()
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

const peekSize = 64 << 10

func newCSV(ds Dataset, in io.Reader, closer io.Closer) (*Reader, error) {
	counter := &countingReader{r: in}
	br := bufio.NewReaderSize(counter, peekSize)
	head, err := br.Peek(peekSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	text := br
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		// "Unicode text" from Excel: UTF-16 with a byte-order mark.
		text = bufio.NewReaderSize(transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), peekSize)
	case !looksUTF8(head, len(head) < peekSize):
		// Excel on Chinese Windows saves CSV as GBK; GB18030 is its superset.
		text = bufio.NewReaderSize(transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), peekSize)
	}
	first, _ := text.Peek(4096)
	cr := csv.NewReader(text)
	cr.Comma = sniffComma(first)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	r, err := newReader(ds, &csvSource{cr: cr, closer: closer}, newEnv(now(), false))
	if err != nil {
		return nil, err
	}
	r.counter = counter
	return r, nil
}

// looksUTF8 reports whether the start of a file is UTF-8: every byte
// sequence valid, or at least more valid multi-byte characters than invalid
// bytes (a UTF-8 file with a stray byte, whose cell is then reported, rather
// than a GBK file, where almost no Chinese character is valid UTF-8). A rune
// cut at the end of the buffer is allowed when it is only the file's start.
func looksUTF8(b []byte, whole bool) bool {
	if !whole {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(b) {
		return true
	}
	valid, invalid := 0, 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			invalid++
		case size > 1:
			valid++
		}
		b = b[size:]
	}
	return valid > invalid
}

// sniffComma picks the delimiter of the first line: a comma unless the
// line has more tabs or semicolons than commas.
func sniffComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	commas, tabs, semis := bytes.Count(head, []byte(",")), bytes.Count(head, []byte("\t")), bytes.Count(head, []byte(";"))
	switch {
	case tabs > commas && tabs >= semis:
		return '\t'
	case semis > commas:
		return ';'
	}
	return ','
}

// --- XLSX ---

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	n    int
}

var rawCells = excelize.Options{RawCellValue: true}

func (s *xlsxSource) next() (cells []string, row int, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, row, err = nil, 0, fmt.Errorf("%w：XLSX 文件内容损坏（%v）", ErrUnreadable, p)
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, fmt.Errorf("%w：%v", ErrUnreadable, err)
		}
		return nil, 0, io.EOF
	}
	s.n++
	cells, err = s.rows.Columns(rawCells)
	if err != nil {
		return nil, s.n, fmt.Errorf("%w：第%d行无法读取（%v）", ErrUnreadable, s.n, err)
	}
	return cells, s.n, nil
}

func (s *xlsxSource) close() error {
	if s.f == nil {
		return nil
	}
	err := s.rows.Close()
	if e := s.f.Close(); err == nil {
		err = e
	}
	s.f = nil
	return err
}

func newXLSX(ds Dataset, f *excelize.File) (rd *Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			_ = f.Close()
			rd, err = nil, fmt.Errorf("%w：不是有效的 XLSX 文件（%v）", ErrUnreadable, p)
		}
	}()
	sheet := ""
	for _, name := range f.GetSheetList() {
		if name != guideSheet {
			sheet = name
			break
		}
	}
	if sheet == "" {
		_ = f.Close()
		return nil, fmt.Errorf("%w：文件中没有工作表", ErrUnreadable)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%w：工作表“%s”无法读取（%v）", ErrUnreadable, sheet, err)
	}
	env := newEnv(now(), true)
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		env.date1904 = *props.Date1904
	}
	return newReader(ds, &xlsxSource{f: f, rows: rows}, env)
}
