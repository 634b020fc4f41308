package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"hearth/domain"
	"hearth/metrics"
)

// Sender posts a message in a channel. The bot implements it: it limits
// allowed_mentions to exactly mentionIDs (parse empty), sends nonce with
// enforce_nonce so that Discord drops a repeat, and retries 429s honouring
// retry_after. An error means the message was not sent; when the outcome is
// unknown (the request may have gone out), wrap ErrOutcomeUnknown. A Sender
// that queues its requests (the bot paces them under Discord's global rate
// limit) calls SendQueued once a message has its place, so that reminders
// leave in due order with several in flight.
type Sender interface {
	SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error
}

// ErrOutcomeUnknown marks a send error after which the message may or may
// not exist, such as a timeout once the request was written.
var ErrOutcomeUnknown = errors.New("scheduler: send outcome unknown")

// ErrNotSent marks a send that never reached the network (it was still
// waiting for its place under the rate limit when it was given up): no
// message can exist, so it is retried like any known failure.
var ErrNotSent = errors.New("scheduler: message not sent")

// ErrRefused marks a send that Discord refused for good (the channel is
// gone, the bot lost access): trying again cannot help, so the reminder is
// skipped and logged.
var ErrRefused = errors.New("scheduler: send refused")

// Completer archives a closed group after its last session, as /group
// archive does (database and channel): the groups service.
type Completer interface {
	Complete(ctx context.Context, groupID int64) error
}

// Offerer offers freed seats to the waitlist: the groups service.
type Offerer interface {
	SeatsFreed(ctx context.Context, groupID int64) error
	ResendPending(ctx context.Context) error
}

// SetOfferer has the scheduler expire seat offers when their time runs
// out, offering the seat to the next person, and send again at start-up the
// offers a dead process left unsent. Call it before Run.
func (s *Scheduler) SetOfferer(o Offerer) { s.offers = o }

// Store is what the scheduler needs of the database: the jobs and firings,
// and the groups they are for.
type Store interface {
	ReplanUnplanned(ctx context.Context, now time.Time) (int, error)
	PlanChanged() <-chan struct{}
	RecoverInFlight(ctx context.Context, now time.Time) (int, error)
	NextWake(ctx context.Context) (time.Time, bool, error)
	ClaimDueJobs(ctx context.Context, now time.Time, limit int) ([]domain.Job, error)
	ReleaseJobs(ctx context.Context, ids []int64) error
	ClaimJob(ctx context.Context, id int64) (bool, error)
	RetryJob(ctx context.Context, id int64, at time.Time) error
	FinishJob(ctx context.Context, id int64) error
	Lock(ctx context.Context, groupID int64, at, now time.Time) error
	Group(ctx context.Context, id int64) (domain.Group, error)
	Settings(ctx context.Context, guildID string) (domain.Settings, error)
	Members(ctx context.Context, groupID int64) ([]string, error)
	GroupsWithMembers(ctx context.Context, ids []int64) (map[int64]domain.Group, map[int64][]string, error)
	RecordFirings(ctx context.Context, intents []domain.FiringIntent) ([]domain.FiringRecord, error)
	ClaimDueFirings(ctx context.Context, now time.Time, limit int) ([]domain.Firing, error)
	ReleaseFirings(ctx context.Context, ids []int64) error
	TakeOverExpired(ctx context.Context, now time.Time) (int, error)
	RenewLeases(ctx context.Context, now time.Time, jobs, firings []int64) error
	LeaseTerm() time.Duration
	Firing(ctx context.Context, id int64) (domain.Firing, error)
	ClaimFiring(ctx context.Context, id int64) (bool, error)
	BeginAttempt(ctx context.Context, id int64, at time.Time) (bool, error)
	PartSent(ctx context.Context, id int64, parts int, allSent bool, at time.Time) error
	RetryFiring(ctx context.Context, id int64, at time.Time, outcomeKnown bool) error
	FinishFiring(ctx context.Context, id int64, state domain.FiringState, at time.Time) error
	PruneFirings(ctx context.Context, before time.Time) (int64, error)
	ExpireOffers(ctx context.Context, now time.Time) ([]int64, error)
	Replan(ctx context.Context, groupID int64, now time.Time) error
	// Session posts and reminder choices (sessions.go).
	SessionDuration(ctx context.Context, groupID int64) (time.Duration, error)
	ReminderModes(ctx context.Context, ids []int64) (map[int64]map[string]domain.ReminderMode, error)
	PendingDMs(ctx context.Context, firingID int64) ([]domain.ReminderDM, error)
	ClosedDMs(ctx context.Context, firingID int64) ([]string, error)
	BeginDM(ctx context.Context, firingID int64, userID string, at time.Time) error
	FinishDM(ctx context.Context, firingID int64, guildID, userID, state string, now time.Time) error
	UserLocale(ctx context.Context, userID string) (string, error)
}

// Ended reminder records are deleted once their session is this old,
// checked this often: none is planned for a session that has begun, so they
// no longer keep anything from repeating.
const (
	pruneAfter = 24 * time.Hour
	pruneEvery = time.Hour
)

// resendEvery is how often seat offers whose message was never confirmed
// sent (Discord was down) are sent again, and seats that freed unnoticed
// offered.
const resendEvery = 5 * time.Minute

const (
	workers    = 8               // concurrent sends; Discord's limits are per channel and global
	batch      = 100             // due rows read per query
	maxSleep   = time.Hour       // the loop re-checks at least this often, in case a wake-up was lost
	errorSleep = 5 * time.Second // after a database error
)

// Scheduler runs Hearth's timed work: reminders, locks and completions.
type Scheduler struct {
	st       Store
	send     Sender
	complete Completer
	clock    domain.Clock
	log      *slog.Logger
	poke     chan struct{}

	// lastTurn is the turn of the reminder handed to the workers last; the
	// next one's send waits for it. Only the loop touches it.
	lastTurn *turn

	// For Idle (tests, hearth try) to know the loop has settled: it is
	// asleep with no wake-up pending and no task queued or running. A
	// wake-up counts from the moment it is given, not from when the loop
	// gets to run: sleep guards sleeping, woken and wakeAt, and wake
	// pokes under it.
	sleep    sync.Mutex
	sleeping bool      // the loop waits for a wake-up
	woken    bool      // the poke holds a wake-up, or the loop took one it has not yet acted on
	wakeAt   time.Time // when the sleeping loop's timer fires (on its clock)
	busy     atomic.Int64
	// afterWake, when set (by tests, before Run), runs as the loop wakes,
	// before it marks itself awake: the moment a loaded machine stretches.
	afterWake func()

	lastPrune time.Time  // when ended firings were last deleted; the loop's own
	queue     *workQueue // the running loop's, for tests
	// lastResend is when seat offers left unsent were last sent again (at
	// start, then every resendEvery); the loop's own.
	lastResend time.Time

	metrics *metrics.Metrics // see SetMetrics; nil counts nothing
	offers  Offerer          // see SetOfferer; nil: no waitlists
	// sessions is told when a voice group's session ends; nil: nobody.
	sessions SessionEnder

	retain     Retainer      // see SetRetention; nil: records kept
	keep       time.Duration // how long after archiving member records are kept
	lastRetain time.Time     // the loop's own
	retaining  atomic.Bool   // a retention pass is running
	key        []byte        // see SetKey
	pollEvery  time.Duration // see SetPoll; 0: maxSleep

	// held is the work in flight handed to the workers and not yet done
	// with: only its leases are renewed.
	held heldWork
}

// New returns a scheduler. A nil clock is the real clock; a nil log discards.
func New(st Store, send Sender, complete Completer, clock domain.Clock, log *slog.Logger) *Scheduler {
	if clock == nil {
		clock = domain.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{st: st, send: send, complete: complete, clock: clock, log: log,
		poke: make(chan struct{}, 1), lastTurn: passedTurn()}
}

// wake makes the loop look at the jobs again.
func (s *Scheduler) wake() {
	s.sleep.Lock()
	defer s.sleep.Unlock()
	s.woken = true
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// fallAsleep marks the loop asleep until at, unless a wake-up came (a
// worker's poke or a changed plan) while it worked: then it reports false,
// and the loop goes round again at once.
func (s *Scheduler) fallAsleep(at time.Time) bool {
	s.sleep.Lock()
	defer s.sleep.Unlock()
	select {
	case <-s.st.PlanChanged():
		s.woken = true
	default:
	}
	if s.woken {
		s.woken = false
		select {
		case <-s.poke:
		default:
		}
		return false
	}
	s.sleeping, s.wakeAt = true, at
	return true
}

// awaken marks the loop awake; the pass it is about to make serves every
// wake-up given until now.
func (s *Scheduler) awaken() {
	s.sleep.Lock()
	defer s.sleep.Unlock()
	s.sleeping, s.woken = false, false
	select {
	case <-s.poke:
	default:
	}
}

// Run is the one loop: it sleeps until the earliest due job (or a wake-up
// from a changed plan or a worker), fires what is due and sleeps again. It
// picks up the persisted jobs as they are, so start-up costs one indexed
// query, plans any group an older Hearth left unplanned, and makes due
// again whatever a previous run left in flight. It returns nil when ctx
// ends, after its workers have stopped.
func (s *Scheduler) Run(ctx context.Context) error {
	replanned, err := s.st.ReplanUnplanned(ctx, s.clock.Now())
	if err != nil {
		// The others run; those are tried again at the next start.
		s.log.Error("scheduler: some groups left unplanned could not be planned", "err", err)
	}
	if replanned > 0 {
		s.log.Info("scheduler: planned groups left unplanned by an earlier version", "count", replanned)
	}
	recovered, err := s.st.RecoverInFlight(ctx, s.clock.Now())
	if err != nil {
		return fmt.Errorf("scheduler: recover jobs in flight: %w", err)
	}
	if recovered > 0 {
		s.log.Info("scheduler: resuming work left in flight by the last run", "count", recovered)
	}
	q := newWorkQueue(func() { s.busy.Add(1) })
	q.limit, q.onDrain = maxQueued, s.wake
	s.queue = q
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for task, ok := q.pop(); ok; task, ok = q.pop() {
				task(ctx) // a task that leaves work due (a retry) wakes the loop itself
				s.busy.Add(-1)
			}
		})
	}
	// Work handed to the workers is leased to this process (several may
	// share a PostgreSQL database); the leases are renewed while it runs,
	// so that only a dead process's work is taken over.
	renewCtx, stopRenewing := context.WithCancel(ctx)
	wg.Go(func() { s.renewLeases(renewCtx) })
	defer func() {
		stopRenewing()
		q.close() // queued tasks stay claimed in the database; the next run recovers them
		wg.Wait()
	}()
	for {
		wait := s.fireDue(ctx, q)
		at := s.clock.Now().Add(wait)
		timer := s.clock.NewTimer(wait) // before the loop counts as asleep, so that its clock is not moved past it
		if !s.fallAsleep(at) {
			timer.Stop()
			continue
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-s.poke:
		case <-s.st.PlanChanged():
		case <-timer.C():
		}
		if s.afterWake != nil {
			s.afterWake()
		}
		s.awaken()
		timer.Stop()
	}
}

// fireDue fires every job and retry due now and returns how long to sleep.
func (s *Scheduler) fireDue(ctx context.Context, q *workQueue) time.Duration {
	now := s.clock.Now()
	if n, err := s.st.TakeOverExpired(ctx, now); err != nil {
		return s.dbError(ctx, "take over work whose lease ran out", err)
	} else if n > 0 {
		s.log.Warn("scheduler: took over work a process left unfinished (its lease ran out)", "count", n)
	}
	for range 1000 { // bounded, so that a job that refuses to move cannot spin forever
		jobs, err := s.st.ClaimDueJobs(ctx, now, batch)
		if err != nil {
			return s.dbError(ctx, "read due jobs", err)
		}
		var reminders []domain.Job
		for _, j := range jobs {
			s.metrics.SchedulerLag(now.Sub(j.DueAt))
			if j.Kind == domain.JobReminder {
				reminders = append(reminders, j)
				continue
			}
			if err := s.fireJob(ctx, q, j, now); err != nil {
				if err := s.retryJob(ctx, j, now, err); err != nil {
					return s.dbError(ctx, "retry job", err)
				}
			}
		}
		// No more reminders than the queue has room for; the rest stay due,
		// given back for any process to take.
		keep := min(len(reminders), q.room())
		if err := s.st.ReleaseJobs(ctx, jobIDs(reminders[keep:])); err != nil {
			return s.dbError(ctx, "release jobs", err)
		}
		reminders = reminders[:keep]
		// The due reminders in one go; should that fail, one by one, so
		// that one that cannot be recorded does not hold up the rest.
		err = errOneByOne
		if !oneByOne {
			err = s.fireReminders(ctx, q, reminders, now)
		}
		if err != nil {
			if err != errOneByOne {
				s.log.Warn("scheduler: recording a batch of reminders failed; trying them one by one", "count", len(reminders), "err", err)
			}
			for _, j := range reminders {
				if err := s.fireReminder(ctx, q, j, now); err != nil {
					if err := s.retryJob(ctx, j, now, err); err != nil {
						return s.dbError(ctx, "retry job", err)
					}
				}
			}
		}
		if q.full() {
			// Sends are queued beyond what the rate limit lets out soon:
			// claim no more (the rest wait in the database, in due order)
			// until the workers have drained half; they wake the loop.
			// Locks and completions of this batch were done all the same.
			return maxSleep
		}
		firings, err := s.st.ClaimDueFirings(ctx, now, batch)
		if err != nil {
			return s.dbError(ctx, "read due reminders", err)
		}
		for i, f := range firings {
			if q.full() {
				var ids []int64
				for _, f := range firings[i:] {
					ids = append(ids, f.ID)
				}
				if err := s.st.ReleaseFirings(ctx, ids); err != nil {
					return s.dbError(ctx, "release reminders", err)
				}
				break
			}
			if err := s.resumeFiring(ctx, q, f, now); err != nil {
				return s.dbError(ctx, "resume reminder", err)
			}
		}
		if len(jobs) < batch && len(firings) < batch {
			break
		}
	}
	if s.offers != nil {
		expired, err := s.st.ExpireOffers(ctx, now)
		if err != nil {
			return s.dbError(ctx, "expire seat offers", err)
		}
		for _, id := range expired {
			s.log.Info("scheduler: a seat offer expired; offering it to the next person", "group", id)
			q.push(func(ctx context.Context) {
				if err := s.offers.SeatsFreed(ctx, id); err != nil {
					s.log.Warn("scheduler: offering a seat failed", "group", id, "err", err)
				}
			})
		}
	}
	if s.offers != nil && now.Sub(s.lastResend) >= resendEvery {
		s.lastResend = now
		q.push(func(ctx context.Context) {
			if err := s.offers.ResendPending(ctx); err != nil {
				s.log.Warn("scheduler: sending seat offers left unsent failed", "err", err)
			}
		})
	}
	if now.Sub(s.lastPrune) >= pruneEvery {
		s.lastPrune = now
		if n, err := s.st.PruneFirings(ctx, now.Add(-pruneAfter)); err != nil {
			s.log.Error("scheduler: pruning old reminder records failed", "err", err)
		} else if n > 0 {
			s.log.Debug("scheduler: pruned old reminder records", "count", n)
		}
	}
	s.sweepRetention(q, now)
	next, ok, err := s.st.NextWake(ctx)
	if err != nil {
		return s.dbError(ctx, "read next due time", err)
	}
	if !ok {
		return s.longestSleep()
	}
	return min(next.Sub(s.clock.Now()), s.longestSleep())
}

// oneByOne makes the loop record each due reminder in a transaction of its
// own, as it did before batching; the scale test compares the two.
var oneByOne = false

var errOneByOne = errors.New("recording reminders one by one")

// retryJob makes a job that failed with err due again after a backoff.
func (s *Scheduler) retryJob(ctx context.Context, j domain.Job, now time.Time, err error) error {
	s.log.Error("scheduler: job failed; retrying", "group", j.GroupID, "kind", j.Kind, "err", err)
	return s.st.RetryJob(ctx, j.ID, now.Add(backoff(j.Attempts+1)))
}

func (s *Scheduler) dbError(ctx context.Context, what string, err error) time.Duration {
	if ctx.Err() == nil {
		s.log.Error("scheduler: database error; trying again shortly", "op", what, "err", err)
	}
	return errorSleep
}

// fireJob does one due job. Fast work happens here; slow work (Discord) is
// claimed in the database and handed to a worker.
func (s *Scheduler) fireJob(ctx context.Context, q *workQueue, j domain.Job, now time.Time) error {
	switch j.Kind {
	case domain.JobLock:
		return s.lockGroup(ctx, j)
	case domain.JobComplete:
		claimed, err := s.st.ClaimJob(ctx, j.ID)
		if err != nil || !claimed {
			return err
		}
		s.handJob(q, j.ID, func(ctx context.Context) { s.completeGroup(ctx, j) })
		return nil
	case domain.JobReminder:
		return s.fireReminder(ctx, q, j, now)
	case domain.JobSessionEnd:
		claimed, err := s.st.ClaimJob(ctx, j.ID)
		if err != nil || !claimed {
			return err
		}
		s.handJob(q, j.ID, func(ctx context.Context) { s.endSession(ctx, j) })
		return nil
	case domain.JobSessionStart:
		return s.fireSessionStart(ctx, q, j, now)
	}
	s.log.Error("scheduler: unknown job kind; dropping it", "group", j.GroupID, "kind", j.Kind)
	return s.st.FinishJob(ctx, j.ID)
}

// lockGroup locks a closed group at its start. The lock is recorded at the
// planned time, from which its sessions are counted. store.Lock and
// store.Join are each one transaction, so a join in flight either got in
// before the lock or is refused.
func (s *Scheduler) lockGroup(ctx context.Context, j domain.Job) error {
	err := s.st.Lock(ctx, j.GroupID, j.SessionAt, s.clock.Now())
	switch {
	case err == nil:
		// The lock re-planned the group in its transaction: this job is gone.
		s.log.Info("scheduler: group locked at its start", "group", j.GroupID, "at", j.SessionAt)
		return nil
	case errors.Is(err, domain.ErrAlreadyLocked), errors.Is(err, domain.ErrArchived),
		errors.Is(err, domain.ErrNotClosed), errors.Is(err, domain.ErrNoGroup):
		return s.st.FinishJob(ctx, j.ID)
	}
	return err
}

// completeGroup archives a closed group whose sessions are all held. The
// archive drops the group's jobs, this one included.
func (s *Scheduler) completeGroup(ctx context.Context, j domain.Job) {
	dbctx := context.WithoutCancel(ctx)
	err := errors.New("no Completer was given to the scheduler")
	if s.complete != nil {
		err = s.complete.Complete(ctx, j.GroupID)
	}
	if err == nil || errors.Is(err, domain.ErrNoGroup) {
		s.log.Info("scheduler: group completed its sessions and was archived", "group", j.GroupID)
		if err := s.record(ctx, func() error { return s.st.FinishJob(dbctx, j.ID) }); err != nil {
			s.log.Error("scheduler: could not drop a completed group's job", "group", j.GroupID, "err", err)
		}
		return
	}
	s.log.Warn("scheduler: completing a group failed; will retry", "group", j.GroupID, "err", err)
	if err := s.record(ctx, func() error {
		return s.st.RetryJob(dbctx, j.ID, s.clock.Now().Add(backoff(j.Attempts+1)))
	}); err != nil {
		s.log.Error("scheduler: could not reschedule completion", "group", j.GroupID, "err", err)
	}
	s.wake() // the loop may be asleep until later than the retry
}

// backoff is the wait before retry n (1, 2, ...): domain.Backoff.
func backoff(n int) time.Duration { return domain.Backoff(n) }

// maxQueued bounds the sends handed to the workers and not yet begun, so
// that demand beyond Discord's rate limit waits in the database instead of
// growing memory: at the global limit this is ten seconds of reminders.
var maxQueued = 500

// workQueue hands tasks from the loop to the workers without ever blocking
// the loop; it holds small closures over ids, the rest is in the database.
// The loop asks full before claiming more work; once it was full, the
// workers call onDrain when half of it is done.
type workQueue struct {
	mu        sync.Mutex
	cond      *sync.Cond
	tasks     []func(context.Context)
	closed    bool
	onPush    func()
	limit     int // 0: unbounded
	onDrain   func()
	throttled bool
	peak      int // the most tasks queued at once, for tests
}

// room is how many more tasks the queue takes before it is full; taking
// them all makes it full.
func (q *workQueue) room() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit <= 0 {
		return math.MaxInt
	}
	room := max(q.limit-len(q.tasks), 0)
	if room == 0 {
		q.throttled = true
	}
	return room
}

// full reports whether the queue holds limit tasks or more.
func (q *workQueue) full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit > 0 && len(q.tasks) >= q.limit {
		q.throttled = true
	}
	return q.throttled
}

func newWorkQueue(onPush func()) *workQueue {
	q := &workQueue{onPush: onPush}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *workQueue) push(task func(context.Context)) {
	if q.onPush != nil {
		q.onPush()
	}
	q.mu.Lock()
	q.tasks = append(q.tasks, task)
	q.peak = max(q.peak, len(q.tasks))
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *workQueue) pop() (func(context.Context), bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.tasks) == 0 && !q.closed {
		q.cond.Wait()
	}
	if q.closed {
		return nil, false
	}
	task := q.tasks[0]
	q.tasks[0] = nil
	q.tasks = q.tasks[1:]
	if q.throttled && len(q.tasks) <= q.limit/2 {
		q.throttled = false
		if q.onDrain != nil {
			q.onDrain() // does not block
		}
	}
	return task, true
}

func (q *workQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// maxTurnWait is the longest a reminder's send waits for the one before it
// to take its place in the sender's queue. Normally that takes microseconds;
// a send stuck before its place (a sender that never calls SendQueued, or is
// blocked on a channel's own limit) holds the rest back no longer than this.
const maxTurnWait = time.Second

// turn keeps reminders' sends in the order the loop handed them out (due
// time, then group): a send begins once the one before it has its place in
// the sender's queue, which the sender tells through SendQueued, or has
// ended. With a sender that paces its requests first come, first served
// (the bot's limiter for Discord's global rate limit), reminders go out in
// due order.
type turn struct {
	prev <-chan struct{} // closed when the previous send has its place
	done chan struct{}   // closed when this one has
	once sync.Once
}

// passedTurn is a turn already passed: the first one's predecessor.
func passedTurn() *turn {
	t := &turn{done: make(chan struct{})}
	close(t.done)
	return t
}

// nextTurn is the turn of the next reminder handed to the workers. Only the
// loop calls it.
func (s *Scheduler) nextTurn() *turn {
	t := &turn{prev: s.lastTurn.done, done: make(chan struct{})}
	s.lastTurn = t
	return t
}

// wait blocks until the previous send has its place, ctx ends or
// maxTurnWait passes.
func (t *turn) wait(ctx context.Context) {
	if t == nil {
		return
	}
	select {
	case <-t.prev:
		return
	default:
	}
	timer := time.NewTimer(maxTurnWait) // real time: this waits on the sender, not on the schedule
	defer timer.Stop()
	select {
	case <-t.prev:
	case <-ctx.Done():
	case <-timer.C:
	}
}

// pass lets the next send go.
func (t *turn) pass() {
	if t != nil {
		t.once.Do(func() { close(t.done) })
	}
}

type turnKey struct{}

// context is ctx carrying t, for SendQueued.
func (t *turn) context(ctx context.Context) context.Context {
	if t == nil {
		return ctx
	}
	return context.WithValue(ctx, turnKey{}, t)
}

// SendQueued is called by a Sender, with the context SendMessage got, once
// the message has its place in the sender's queue of requests (a rate
// limiter that serves first come, first served). The scheduler then lets
// the next reminder's send take the place behind it, so that reminders go out
// in due order while several are in flight. Without it, the next send waits
// until SendMessage returns (at most maxTurnWait). Calling it more than once,
// or for a context that is not a reminder's, does nothing.
func SendQueued(ctx context.Context) {
	if t, ok := ctx.Value(turnKey{}).(*turn); ok {
		t.pass()
	}
}

func jobIDs(jobs []domain.Job) []int64 {
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return ids
}

// renewLeases extends the leases of the work its workers hold every third
// of the lease term, until ctx ends. Work in flight that no worker holds
// any more (its worker could not record the outcome) is left to run out,
// so that this process or another takes it over (TakeOverExpired) instead
// of it staying in flight until a restart.
func (s *Scheduler) renewLeases(ctx context.Context) {
	every := s.st.LeaseTerm() / 3
	for {
		timer := s.clock.NewTimer(every)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C():
		}
		jobs, firings := s.held.ids()
		if err := s.st.RenewLeases(ctx, s.clock.Now(), jobs, firings); err != nil && ctx.Err() == nil {
			s.log.Error("scheduler: renewing the leases of work in flight failed", "err", err)
		}
	}
}

// A worker tries this many times to record the outcome of its work (a
// retry, an end, a part sent), pausing recordPause after the first failure
// and twice as long after each next, before it gives the work up: a brief
// database outage costs nothing. Work given up stays in flight until its
// lease, no longer renewed, runs out; then it is taken over.
const recordTries = 3

var recordPause = 100 * time.Millisecond

// record runs write until it succeeds or has failed recordTries times, and
// returns its last error. The pauses are real time (the database's, not
// the schedule's) and end early when ctx ends.
func (s *Scheduler) record(ctx context.Context, write func() error) error {
	pause := recordPause
	err := write()
	for try := 1; err != nil && try < recordTries; try++ {
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
		pause *= 2
		err = write()
	}
	return err
}

// heldWork is the set of jobs and reminders in flight that this process's
// workers hold: from the moment a claimed one is handed to the workers until
// its task returns, whether or not its outcome could be recorded.
type heldWork struct {
	mu      sync.Mutex
	jobs    map[int64]int
	firings map[int64]int
}

func (h *heldWork) add(firing bool, id int64, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.jobs == nil {
		h.jobs, h.firings = map[int64]int{}, map[int64]int{}
	}
	m := h.jobs
	if firing {
		m = h.firings
	}
	if m[id] += n; m[id] <= 0 {
		delete(m, id)
	}
}

// ids lists the held jobs and reminders.
func (h *heldWork) ids() (jobs, firings []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id := range h.jobs {
		jobs = append(jobs, id)
	}
	for id := range h.firings {
		firings = append(firings, id)
	}
	return jobs, firings
}

// handJob hands the claimed job id's task to the workers, holding its
// lease until the task returns.
func (s *Scheduler) handJob(q *workQueue, id int64, task func(context.Context)) {
	s.hand(q, false, id, task)
}

// handFiring is handJob for a claimed reminder or session post.
func (s *Scheduler) handFiring(q *workQueue, id int64, task func(context.Context)) {
	s.hand(q, true, id, task)
}

func (s *Scheduler) hand(q *workQueue, firing bool, id int64, task func(context.Context)) {
	s.held.add(firing, id, 1)
	q.push(func(ctx context.Context) {
		defer s.held.add(firing, id, -1)
		task(ctx)
	})
}
