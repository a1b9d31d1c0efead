package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"jingzhun/internal/service"
)

// JobDTO is a background job's state, for a progress bar.
type JobDTO struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind" example:"campaign.recompute"`
	Status     string     `json:"status" example:"running" enums:"queued,running,done,failed"`
	Done       int64      `json:"done" example:"1200"`
	Total      int64      `json:"total" example:"2000"`
	Rate       float64    `json:"rate" example:"850.5"` // households per second
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Error      string     `json:"error"`
}

func jobDTO(j *service.JobStatus) JobDTO {
	return JobDTO{ID: j.ID, Kind: j.Kind, Status: j.Status, Done: j.Done, Total: j.Total, Rate: j.Rate,
		CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt, Error: j.Error}
}

// getJob godoc
//
//	@Summary		A background job's progress
//	@Description	Status (queued, running, done, failed), done of total, rate (households per second), start and end, the error of a failed job. District-wide roles see every job, a street the jobs it started.
//	@Tags			jobs
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"job id"
//	@Success		200	{object}	JobDTO
//	@Failure		404	{object}	ErrorBody
//	@Router			/jobs/{id} [get]
func (s *Server) getJob(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, s.log, err)
		return
	}
	j, err := s.Campaigns.Job(c.Request.Context(), actor(c), id)
	if err != nil {
		fail(c, s.log, err)
		return
	}
	c.JSON(http.StatusOK, jobDTO(j))
}
