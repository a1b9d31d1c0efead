package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jingzhun/internal/sealing"
)

// AuditEvent is one line of the audit log. Changes is JSON of
// [{field, before, after}] with personal identifiers already masked.
//
// The log is a hash chain (migration 0013): Seq is the record's place in
// it, PrevHash the hash of the record before, Hash the keyed hash of every
// field below including Seq and PrevHash (auditHash). The log is append
// only: nothing in the application updates or deletes a record, apart from
// the two guarded steps named in audit_test.go (chaining the records written
// before the chain existed, and the purge by age, which leaves an anchor).
type AuditEvent struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	UserID     *int64
	Username   string
	Role       string
	Action     string
	ObjectType string
	ObjectID   string
	Changes    string
	Result     string
	Reason     string
	RequestID  string
	ClientIP   string
	Seq        *int64 // nil only for a record written before migration 0013 and not yet chained
	PrevHash   string
	Hash       string
}

// auditChain is the chain's head: one row, the newest record's seq and hash.
type auditChain struct {
	ID        int `gorm:"primaryKey"`
	LastSeq   int64
	LastHash  string
	UpdatedAt time.Time
}

func (auditChain) TableName() string { return "audit_chain" }

// AuditAnchor is what a purge leaves: the seq and hash of the last record it
// removed. Verification starts after the newest anchor.
type AuditAnchor struct {
	ID       int64 `gorm:"primaryKey"`
	Seq      int64
	Hash     string
	PurgedAt time.Time
	Count    int64
	Cutoff   time.Time
	PurgedBy string
	Mac      string
}

func (AuditAnchor) TableName() string { return "audit_anchors" }

// The chain's hashes are HMAC-SHA256 under the blind-index key of the data
// keys (sealing.Keyring.BlindIndex with kinds of their own), not plain
// SHA-256: whoever can write to the database but does not hold the keys
// cannot recompute the chain after editing, inserting or removing a record.
// The index key, unlike the encryption keys, is never rotated, so records
// stay verifiable for their whole retention.
const (
	auditHashKind   = "audit.event.v1"
	auditAnchorKind = "audit.anchor.v1"
	auditHeadID     = 1
	auditBatch      = 1000
)

// Column sizes of audit_events (migration 0001). Values are cut to them
// before hashing, so that a database that truncates instead of refusing
// (MySQL without strict mode) cannot make a record fail to verify.
var auditSizes = []int{64, 32, 64, 32, 64, 16, 500, 64, 64} // username … client_ip, changes excepted

func auditFields(e *AuditEvent) []*string {
	return []*string{&e.Username, &e.Role, &e.Action, &e.ObjectType, &e.ObjectID, &e.Result, &e.Reason, &e.RequestID, &e.ClientIP}
}

// normaliseAudit makes the record exactly what the database gives back:
// times to the millisecond (DATETIME(3) on MySQL), UTC, valid UTF-8, strings
// no longer than their columns.
func normaliseAudit(e *AuditEvent) {
	e.At = e.At.UTC().Truncate(time.Millisecond)
	for i, f := range auditFields(e) {
		*f = strings.ToValidUTF8(*f, "\uFFFD")
		if utf8.RuneCountInString(*f) > auditSizes[i] {
			*f = string([]rune(*f)[:auditSizes[i]])
		}
	}
	e.Changes = strings.ToValidUTF8(e.Changes, "\uFFFD")
}

// auditHash is the keyed hash of a record: a canonical, length-prefixed
// encoding of every field but the database's ID (a surrogate the writer does
// not know before inserting; the chain's identity is Seq).
func auditHash(k *sealing.Keyring, e *AuditEvent) string {
	var b []byte
	var seq int64
	if e.Seq != nil {
		seq = *e.Seq
	}
	b = binary.BigEndian.AppendUint64(b, uint64(seq))
	b = appendField(b, e.PrevHash)
	b = binary.BigEndian.AppendUint64(b, uint64(e.At.UnixMilli()))
	if e.UserID == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.BigEndian.AppendUint64(b, uint64(*e.UserID))
	}
	for _, f := range auditFields(e) {
		b = appendField(b, *f)
	}
	b = appendField(b, e.Changes)
	return k.BlindIndex(auditHashKind, string(b))
}

func anchorMac(k *sealing.Keyring, a *AuditAnchor) string {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, uint64(a.Seq))
	b = appendField(b, a.Hash)
	b = binary.BigEndian.AppendUint64(b, uint64(a.PurgedAt.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(a.Count))
	b = binary.BigEndian.AppendUint64(b, uint64(a.Cutoff.UnixMilli()))
	b = appendField(b, a.PurgedBy)
	return k.BlindIndex(auditAnchorKind, string(b))
}

func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

type auditBufferKey struct{}

// auditBuffer holds a transaction's audit records until it commits: InTx
// chains them last (flushAudit), so that the chain's head is locked only
// for the moment before commit, not from a long import's first record to its
// end, which would hold every other audited write on MySQL.
type auditBuffer struct{ events []*AuditEvent }

func withAuditBuffer(ctx context.Context) context.Context {
	return context.WithValue(ctx, auditBufferKey{}, &auditBuffer{})
}

// AppendAudit adds an event to the chain, in the caller's transaction if
// any (written when it commits), else in a transaction of its own. There is
// no update or delete of audit events in the application.
func (s *Store) AppendAudit(ctx context.Context, e *AuditEvent) error {
	if _, err := s.keyring(); err != nil {
		return err
	}
	normaliseAudit(e)
	if buf, ok := ctx.Value(auditBufferKey{}).(*auditBuffer); ok {
		buf.events = append(buf.events, e)
		return nil
	}
	return s.InTx(ctx, func(ctx context.Context) error { return s.chainAudit(ctx, []*AuditEvent{e}) })
}

// flushAudit writes the transaction's buffered records; InTx calls it last.
func (s *Store) flushAudit(ctx context.Context) error {
	buf, ok := ctx.Value(auditBufferKey{}).(*auditBuffer)
	if !ok || len(buf.events) == 0 {
		return nil
	}
	events := buf.events
	buf.events = nil
	for _, e := range events {
		if err := s.chainAudit(ctx, []*AuditEvent{e}); err != nil {
			return err
		}
	}
	return nil
}

// chainAudit appends events after the head, which it locks and moves.
func (s *Store) chainAudit(ctx context.Context, events []*AuditEvent) error {
	k, err := s.keyring()
	if err != nil {
		return err
	}
	head, err := s.lockAuditHead(ctx)
	if err != nil {
		return err
	}
	if head.LastSeq == 0 {
		// The first record ever chained: the records from before the
		// chain go first (normally done at start-up already).
		if head, err = s.chainLegacy(ctx, k, head); err != nil {
			return err
		}
	}
	for _, e := range events {
		seq := head.LastSeq + 1
		e.Seq, e.PrevHash = &seq, head.LastHash
		e.Hash = auditHash(k, e)
		if err := s.conn(ctx).Create(e).Error; err != nil {
			return err
		}
		head.LastSeq, head.LastHash = seq, e.Hash
	}
	return s.moveAuditHead(ctx, head)
}

// lockAuditHead reads the head row and locks it until the transaction ends
// (SELECT … FOR UPDATE on MySQL and TiDB; SQLite holds the write lock from
// BEGIN IMMEDIATE, and its dialect drops the clause).
func (s *Store) lockAuditHead(ctx context.Context) (auditChain, error) {
	var h auditChain
	err := s.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", auditHeadID).Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return h, errors.New("audit chain: the head row (audit_chain id 1) is missing; the audit log cannot be written")
	}
	return h, err
}

func (s *Store) moveAuditHead(ctx context.Context, h auditChain) error {
	res := s.conn(ctx).Model(&auditChain{}).Where("id = ?", auditHeadID).
		Updates(map[string]any{"last_seq": h.LastSeq, "last_hash": h.LastHash, "updated_at": time.Now().UTC()})
	if res.Error == nil && res.RowsAffected != 1 {
		return errors.New("audit chain: the head row is missing")
	}
	return res.Error
}

// ChainLegacyAudit chains the records written before migration 0013, in id
// order, and reports how many. main calls it at start-up with the keys. It
// acts only while the chain is empty, so a record slipped in later without
// a seq is never taken into the chain: verification reports it.
func (s *Store) ChainLegacyAudit(ctx context.Context) (int64, error) {
	k, err := s.keyring()
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.InTx(ctx, func(ctx context.Context) error {
		head, err := s.lockAuditHead(ctx)
		if err != nil || head.LastSeq != 0 {
			return err
		}
		moved, err := s.chainLegacy(ctx, k, head)
		n = moved.LastSeq
		if err != nil || n == 0 {
			return err
		}
		return s.moveAuditHead(ctx, moved)
	})
	return n, err
}

// chainLegacy gives the unchained records, in id order, their seq and hashes
// after head, which must be the empty chain's (seq 0), and returns the new
// head (not yet written). It does nothing once any record is chained. This
// is one of the two writes to existing audit records (audit_test.go).
func (s *Store) chainLegacy(ctx context.Context, k *sealing.Keyring, head auditChain) (auditChain, error) {
	var chained int64
	if err := s.conn(ctx).Model(&AuditEvent{}).Where("seq IS NOT NULL").Count(&chained).Error; err != nil || chained > 0 || head.LastSeq != 0 {
		return head, err
	}
	for {
		var es []AuditEvent
		if err := s.conn(ctx).Where("seq IS NULL").Order("id").Limit(auditBatch).Find(&es).Error; err != nil {
			return head, err
		}
		for i := range es {
			e := &es[i]
			seq := head.LastSeq + 1
			e.Seq, e.PrevHash = &seq, head.LastHash
			e.Hash = auditHash(k, e)
			res := s.conn(ctx).Model(&AuditEvent{}).Where("id = ? AND seq IS NULL", e.ID).
				Updates(map[string]any{"seq": seq, "prev_hash": e.PrevHash, "hash": e.Hash})
			if res.Error != nil {
				return head, fmt.Errorf("chain audit record %d (the database account needs UPDATE on audit_events once, "+
					"for this: run `jingzhun migrate` with the migration account and the data keys): %w", e.ID, res.Error)
			}
			head.LastSeq, head.LastHash = seq, e.Hash
		}
		if len(es) < auditBatch {
			return head, nil
		}
	}
}

// Problems verification can find, first by seq.
const (
	AuditAltered       = "altered"        // the record's hash does not match its fields
	AuditUnlinked      = "unlinked"       // prev_hash is not the previous record's hash: inserted or replaced
	AuditMissing       = "missing"        // a seq is absent: the record was removed
	AuditMissingNewest = "missing_newest" // the newest records are absent: the head is further on
	AuditBeyondHead    = "beyond_head"    // records after the head: inserted
	AuditUnchained     = "unchained"      // a record without a seq while the chain exists: inserted
	AuditBeforeAnchor  = "before_anchor"  // a record at or before the last purge anchor: inserted
	AuditAnchorForged  = "anchor_forged"  // a purge anchor's keyed hash does not match
	AuditHeadMismatch  = "head_mismatch"  // the newest record's hash is not the head's
	AuditNotChained    = "not_chained"    // records from before the chain are not chained yet
)

// AuditBreak is the first place the chain is broken.
type AuditBreak struct {
	Seq     int64 // the first broken seq (0 when the problem has none, e.g. not_chained)
	Problem string
	Detail  string
}

// AuditVerification is what VerifyAuditChain found.
type AuditVerification struct {
	Records   int64 // chained records checked
	FirstSeq  int64 // 0 when none
	LastSeq   int64
	HeadSeq   int64
	HeadHash  string
	AnchorSeq int64 // the last purged record's seq, 0 = never purged
	Anchors   int
	Break     *AuditBreak // nil: the chain is whole
}

// VerifyAuditChain walks the chain by seq from the newest purge anchor to
// the head and returns the first break: an edited record (its hash), an
// inserted one (a link, a seq beyond the head or before the anchor, a
// record without a seq), a removed one (a gap, or the newest missing
// against the head). It reads without locking, so writers go on; records
// appended meanwhile are walked too.
func (s *Store) VerifyAuditChain(ctx context.Context) (AuditVerification, error) {
	var v AuditVerification
	k, err := s.keyring()
	if err != nil {
		return v, err
	}
	db := s.conn(ctx)
	fail := func(seq int64, problem, format string, args ...any) (AuditVerification, error) {
		v.Break = &AuditBreak{Seq: seq, Problem: problem, Detail: fmt.Sprintf(format, args...)}
		return v, nil
	}

	var anchors []AuditAnchor
	if err := db.Order("seq").Find(&anchors).Error; err != nil {
		return v, err
	}
	v.Anchors = len(anchors)
	prevHash := ""
	for i := range anchors {
		a := &anchors[i]
		if anchorMac(k, a) != a.Mac {
			return fail(a.Seq, AuditAnchorForged, "purge anchor at seq %d does not match its keyed hash", a.Seq)
		}
		v.AnchorSeq, prevHash = a.Seq, a.Hash
	}
	var head auditChain
	if err := db.Where("id = ?", auditHeadID).Take(&head).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fail(0, AuditHeadMismatch, "the chain's head row is missing")
		}
		return v, err
	}
	v.HeadSeq, v.HeadHash = head.LastSeq, head.LastHash
	var unchained int64
	if err := db.Model(&AuditEvent{}).Where("seq IS NULL").Count(&unchained).Error; err != nil {
		return v, err
	}
	if head.LastSeq == 0 && v.AnchorSeq == 0 && unchained > 0 {
		return fail(0, AuditNotChained, "%d records from before the chain are not chained yet: start the server or run `jingzhun migrate` with the data keys", unchained)
	}
	var early AuditEvent
	if err := db.Where("seq <= ?", v.AnchorSeq).Order("seq").Limit(1).Find(&early).Error; err != nil {
		return v, err
	}
	if early.Seq != nil {
		return fail(*early.Seq, AuditBeforeAnchor, "record seq %d is at or before the last purge anchor (seq %d): inserted", *early.Seq, v.AnchorSeq)
	}

	// A writer moves the head in its record's transaction, so every record
	// up to a head once read is committed: a walk that, after reading the
	// head, does not reach it has found records removed. The head is read
	// after each walk; records appended meanwhile are walked in the next.
	last, want := v.AnchorSeq, int64(-1)
	for round := 0; ; round++ {
		for {
			var es []AuditEvent
			if err := db.Where("seq > ?", last).Order("seq").Limit(auditBatch).Find(&es).Error; err != nil {
				return v, err
			}
			for i := range es {
				e := &es[i]
				seq := *e.Seq
				switch {
				case seq != last+1:
					return fail(last+1, AuditMissing, "record seq %d is missing (next present: %d): removed", last+1, seq)
				case e.PrevHash != prevHash:
					return fail(seq, AuditUnlinked, "record seq %d does not follow the record before it: inserted or replaced", seq)
				case auditHash(k, e) != e.Hash:
					return fail(seq, AuditAltered, "record seq %d does not match its hash: edited", seq)
				}
				if v.FirstSeq == 0 {
					v.FirstSeq = seq
				}
				v.Records++
				last, prevHash = seq, e.Hash
				v.LastSeq = last
			}
			if len(es) < auditBatch {
				break
			}
		}
		if last < want || (want >= 0 && round >= 100) {
			return fail(last+1, AuditMissingNewest, "records seq %d to %d are missing (the head is at %d): removed", last+1, want, want)
		}
		if err := db.Where("id = ?", auditHeadID).Take(&head).Error; err != nil {
			return v, err
		}
		v.HeadSeq, v.HeadHash = head.LastSeq, head.LastHash
		if last > head.LastSeq {
			return fail(head.LastSeq+1, AuditBeyondHead, "record seq %d is beyond the chain's head (seq %d): inserted", head.LastSeq+1, head.LastSeq)
		}
		if last == head.LastSeq {
			if prevHash != head.LastHash {
				return fail(last, AuditHeadMismatch, "record seq %d is not the record the head names: replaced", last)
			}
			break
		}
		want = head.LastSeq
	}
	if unchained > 0 {
		var e AuditEvent
		if err := db.Where("seq IS NULL").Order("id").Limit(1).Find(&e).Error; err != nil {
			return v, err
		}
		return fail(v.LastSeq+1, AuditUnchained, "%d records without a seq (first: id %d) are outside the chain: inserted", unchained, e.ID)
	}
	return v, nil
}

// PurgeAuditBefore removes, inside the caller's transaction, up to limit of
// the oldest records, each older than cutoff, and leaves an anchor (seq and
// hash of the last one removed, keyed) so that the rest still verifies. It
// removes a run from the start of the chain only: a record younger than
// cutoff ends the run, whatever comes after it. It first checks that the run
// is an unbroken chain, so a purge never wipes out the traces of tampering.
// The anchor's Count is 0 when nothing was old enough. This is the other of
// the two writes to existing audit records (audit_test.go); it runs under a
// database account of its own (deploy/README.md).
func (s *Store) PurgeAuditBefore(ctx context.Context, cutoff time.Time, by string, limit int) (AuditAnchor, error) {
	k, err := s.keyring()
	if err != nil {
		return AuditAnchor{}, err
	}
	cutoff = cutoff.UTC().Truncate(time.Millisecond)
	head, err := s.lockAuditHead(ctx)
	if err != nil {
		return AuditAnchor{}, err
	}
	db := s.conn(ctx)
	var prev AuditAnchor
	if err := db.Order("seq DESC").Limit(1).Find(&prev).Error; err != nil {
		return AuditAnchor{}, err
	}
	if prev.ID != 0 && anchorMac(k, &prev) != prev.Mac {
		return AuditAnchor{}, fmt.Errorf("audit purge refused: the purge anchor at seq %d is forged; run `jingzhun audit verify`", prev.Seq)
	}
	var young struct{ Seq *int64 }
	if err := db.Model(&AuditEvent{}).Select("MIN(seq) AS seq").Where("seq > ? AND at >= ?", prev.Seq, cutoff).Scan(&young).Error; err != nil {
		return AuditAnchor{}, err
	}
	end := head.LastSeq
	if young.Seq != nil {
		end = *young.Seq - 1
	}
	end = min(end, prev.Seq+int64(limit))
	if end <= prev.Seq {
		return AuditAnchor{Count: 0}, nil
	}
	var es []AuditEvent
	if err := db.Where("seq > ? AND seq <= ?", prev.Seq, end).Order("seq").Find(&es).Error; err != nil {
		return AuditAnchor{}, err
	}
	last, prevHash := prev.Seq, prev.Hash
	for i := range es {
		e := &es[i]
		if *e.Seq != last+1 || e.PrevHash != prevHash || auditHash(k, e) != e.Hash || !e.At.Before(cutoff) {
			return AuditAnchor{}, fmt.Errorf("audit purge refused: the chain is broken at seq %d; run `jingzhun audit verify`", last+1)
		}
		last, prevHash = *e.Seq, e.Hash
	}
	if last != end {
		return AuditAnchor{}, fmt.Errorf("audit purge refused: the chain is broken at seq %d; run `jingzhun audit verify`", last+1)
	}
	a := AuditAnchor{Seq: end, Hash: prevHash, PurgedAt: time.Now().UTC().Truncate(time.Millisecond),
		Count: int64(len(es)), Cutoff: cutoff, PurgedBy: truncateRunes(by, 128)}
	a.Mac = anchorMac(k, &a)
	if err := db.Create(&a).Error; err != nil {
		return AuditAnchor{}, err
	}
	res := db.Where("seq > ? AND seq <= ?", prev.Seq, end).Delete(&AuditEvent{})
	if res.Error != nil {
		return AuditAnchor{}, fmt.Errorf("audit purge (the purge account needs DELETE on audit_events): %w", res.Error)
	}
	if res.RowsAffected != a.Count {
		return AuditAnchor{}, fmt.Errorf("audit purge: removed %d records, expected %d", res.RowsAffected, a.Count)
	}
	return a, nil
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// AuditFilter selects audit events.
type AuditFilter struct {
	From, To time.Time // To exclusive; zero = open
	Username string
	Action   string // prefix, e.g. "user." or "auth.login"
	Result   string
	Page     int
	PageSize int
}

func (s *Store) auditQuery(ctx context.Context, f AuditFilter) *gorm.DB {
	q := s.conn(ctx).Model(&AuditEvent{})
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	if f.Username != "" {
		q = q.Where("username = ?", f.Username)
	}
	if f.Action != "" {
		q = q.Where("action LIKE ? ESCAPE '!'", escapeLike(f.Action)+"%")
	}
	if f.Result != "" {
		q = q.Where("result = ?", f.Result)
	}
	return q
}

// AuditEvents pages through events, newest first.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, int64, error) {
	var total int64
	if err := s.auditQuery(ctx, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var es []AuditEvent
	err := s.auditQuery(ctx, f).Order("id DESC").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Find(&es).Error
	return es, total, err
}

// EachAuditEvent streams every matching event, newest first, in batches, so
// an export of a long log does not hold it all in memory.
func (s *Store) EachAuditEvent(ctx context.Context, f AuditFilter, fn func(AuditEvent) error) error {
	const batch = 1000
	var lastID int64 = -1
	for {
		q := s.auditQuery(ctx, f)
		if lastID >= 0 {
			q = q.Where("id < ?", lastID)
		}
		var es []AuditEvent
		if err := q.Order("id DESC").Limit(batch).Find(&es).Error; err != nil {
			return err
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(es) < batch {
			return nil
		}
		lastID = es[len(es)-1].ID
	}
}

// CountAuditSince counts events of one result since a time.
func (s *Store) CountAuditSince(ctx context.Context, since time.Time, result string) (int64, error) {
	var n int64
	return n, s.conn(ctx).Model(&AuditEvent{}).Where("at >= ? AND result = ?", since, result).Count(&n).Error
}

// AuditOfObject lists the events about one object, newest first.
func (s *Store) AuditOfObject(ctx context.Context, objectType, objectID string) ([]AuditEvent, error) {
	var es []AuditEvent
	return es, s.conn(ctx).Where("object_type = ? AND object_id = ?", objectType, objectID).Order("id DESC").Limit(500).Find(&es).Error
}
