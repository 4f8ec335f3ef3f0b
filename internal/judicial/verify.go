package judicial

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"tuphap/internal/agency"
	"tuphap/internal/audit"
	"tuphap/internal/auth"
	"tuphap/internal/civil"
	"tuphap/internal/fault"
	"tuphap/internal/outbox"
	"tuphap/internal/reception"
	"tuphap/internal/store"
)

// verifyExtension is how far a request that must wait for an answer moves: from 10 to 15
// working days (Law on Judicial Records 2009 art. 48.1).
const verifyExtension = 5

// Verify asks the police (the courts and prisons behind them) when each sentence of the
// request's person that the certificate waits on was served: one question per judgment through
// the outbox, sent in one transaction with the request's dossier moved to 15 working days. It
// returns how many questions went out.
func (s *Service) Verify(ctx context.Context, p auth.Principal, by audit.Actor, requestID string) (int, error) {
	if err := p.Allow(auth.JudicialRecords, ""); err != nil {
		return 0, err
	}
	req, err := s.repo.storedRequest(ctx, requestID)
	if err != nil {
		return 0, err
	}
	d, err := s.desk.Dossier(ctx, req.Dossier.ID)
	if err != nil {
		return 0, err
	}
	if req.Status != RequestReceived || !d.Status.Open() {
		return 0, fault.New(fault.Conflict, "judicial.request_issued")
	}
	personID, records, err := s.repo.personRecords(ctx, req.Person)
	if err != nil {
		return 0, err
	}
	byID := map[string]Record{}
	for _, r := range records {
		byID[r.ID] = r
	}
	var questions []*outbox.Message
	asked, waiting := map[string]bool{}, 0
	for _, c := range StatusOn(records, s.today()).Convictions {
		if !c.Verify || asked[c.Ask] {
			continue
		}
		asked[c.Ask] = true // one question per judgment, whoever's standing waits on it
		if pending, err := s.asking(ctx, c.Ask); err != nil {
			return 0, err
		} else if pending {
			waiting++ // asked already, the answer not in yet: asking again would only repeat it
			continue
		}
		r := byID[c.Ask]
		body, err := json.Marshal(agency.VerifyRequest{RequestID: req.ID, JudgmentID: r.ID, Court: r.Court, Number: r.Number, Date: r.Date,
			EffectiveDate: r.EffectiveDate, Penalty: string(r.Main.Type), Months: r.Main.Months, Probation: r.Main.ProbationMonths,
			Person: agency.Person{FullName: req.Person.FullName, Sex: req.Person.Sex, DateOfBirth: req.Person.DateOfBirth, PersonalID: req.Person.PersonalID}})
		if err != nil {
			return 0, err
		}
		questions = append(questions, &outbox.Message{Agency: string(agency.Police), Op: outbox.PoliceVerify, RecordID: r.ID,
			Office: auth.DepartmentOffice, Key: fmt.Sprintf("verify:%s:%s:%d", req.ID, r.ID, s.st.Now().Unix()), Payload: string(body)})
	}
	if len(questions) == 0 && waiting > 0 {
		return 0, fault.New(fault.Conflict, "judicial.verify_waiting")
	}
	if len(questions) == 0 {
		return 0, fault.New(fault.Conflict, "judicial.nothing_to_verify")
	}
	extend := d.Procedure == "LLTP" && d.Extended == 0
	due := s.Calendar().Extend(d.DueAt, verifyExtension)
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		for _, q := range questions {
			// Checked again with the write: two clicks at once send one question.
			if pending, err := outbox.PendingIn(tx, q.Agency, q.RecordID); err != nil {
				return err
			} else if pending {
				return fault.New(fault.Conflict, "judicial.verify_waiting")
			}
			m := *q // afresh each run
			if err := outbox.Enqueue(tx, &m); err != nil {
				return err
			}
		}
		if extend {
			moved := d
			if err := reception.ExtendIn(tx, &moved, due, verifyExtension,
				"xác minh điều kiện đương nhiên xóa án tích: 15 ngày làm việc (Luật Lý lịch tư pháp 2009, Điều 48.1)", by); err != nil {
				return err
			}
		}
		return tx.Audit(by.Entry("judicial.verify", "judicial_person:"+personID, fmt.Sprintf("request %s: %d question(s) to the police", req.ID, len(questions))))
	})
	return len(questions), err
}

// asking says whether a question about a judgment is still on its way to the police or waits
// for its answer.
func (s *Service) asking(ctx context.Context, judgmentID string) (bool, error) {
	ms, err := outbox.NewQueue(s.st).Find(ctx, outbox.Query{RecordID: judgmentID, Agency: string(agency.Police), Status: outbox.MsgPending, Limit: 1})
	return len(ms) > 0, err
}

// ApplyVerification records what the police answered (outbox.Worker.Answers): the day the
// sentence was served, or that it still runs on the day asked, as a report of the judgment by
// its source. The same answer applied twice records it once.
func (s *Service) ApplyVerification(ctx context.Context, m outbox.Message, answer []byte) error {
	var ans agency.VerifyResponse
	if err := json.Unmarshal(answer, &ans); err != nil {
		return outbox.Unusable(fmt.Sprintf("the police's answer is not JSON: %v", err))
	}
	e := Event{Source: strings.TrimSpace(ans.Source) + " (trả lời xác minh qua Công an tỉnh)"}
	switch ans.Status {
	case "served":
		e.Type, e.Date = MainServed, ans.MainServedOn
	case "serving":
		e.Type, e.Date = Serving, ans.AsOf
	default:
		return outbox.Unusable(fmt.Sprintf("the police answered %q", ans.Status))
	}
	if _, ok := civil.ParseDate(e.Date); !ok {
		return outbox.Unusable("the police's answer has no day")
	}
	rec, personID, err := s.repo.judgment(ctx, m.RecordID)
	if err != nil {
		return err
	}
	if e.Type == MainServed {
		// Served, as the judgment's penalty is: a fine paid, a suspended sentence's probation over.
		switch rec.Main.Type {
		case Fine:
			e.Type = FinePaid
		case Suspended:
			e.Type = ProbationEnded
		}
	}
	if err := rec.ValidateEvent(e, s.today()); err != nil {
		return outbox.Unusable(fmt.Sprintf("the police's answer does not fit the judgment: %v", err))
	}
	_, err = s.repo.addEventOnce(ctx, rec.ID, personID, e, audit.Linked)
	return err
}
