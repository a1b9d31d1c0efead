package service

// SetAfterBatch lets a test stop an import halfway (inside its transaction).
func (s *CrossChecks) SetAfterBatch(fn func(rows int64) error) { s.afterBatch = fn }
