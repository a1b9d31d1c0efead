package api

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// evaluate godoc
//
//	@Summary		Evaluate households against the identification rules (stateless)
//	@Description	Takes an evaluation envelope (household-v1: {"campaign": {...}, "households": [...]}) and answers {"campaign", "results", "summary"} exactly as the `jingzhun evaluate` command does; nothing is stored. Invalid households are results with outcome "invalid". At most 10,000 households and 32 MB (413 payload_too_large beyond, naming the limit). A document that is not an envelope at all (not JSON, campaign missing or ill-typed, households not an array, an unknown key beside them) is 400 invalid_envelope.
//	@Tags			evaluations
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Security		OAuth2Application[evaluations:run]
//	@Param			body	body		object	true	"evaluation envelope (household-v1)"
//	@Success		200		{object}	object	"{campaign, results, summary}"
//	@Failure		400		{object}	ErrorBody
//	@Failure		413		{object}	ErrorBody
//	@Router			/evaluations [post]
func (s *Server) evaluate(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.opt.EvalBodyLimit))
	if err != nil {
		if isMaxBytes(err) {
			fail(c, s.log, tooLarge(s.opt.EvalBodyLimit))
			return
		}
		fail(c, s.log, err)
		return
	}
	out, err := s.Evaluations.Evaluate(c.Request.Context(), body, s.opt.EvalMaxHouses)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", out)
}
