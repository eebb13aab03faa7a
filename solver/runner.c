/*
 * runner.c - `greenslot run`'s engine: start each job of a plan at its
 * planned start on this host and record what really happened.
 *
 * The store is the runner's memory, so that a restart never runs a job
 * twice: a run is claimed (a 'started' row, committed) before its job is
 * spawned.  A claimed run the runner never saw end is one it lost to a
 * crash or SIGKILL; it is marked 'interrupted' rather than run again,
 * since the job may have done part (or all) of its work.
 *
 * A job planned in parts (an interruptible job's segments) is started at
 * its first part, its process group stopped (SIGSTOP) when a part ends and
 * continued (SIGCONT) when the next begins; its recorded runtime leaves
 * the pauses out.  Its run stays claimed through the pauses, so a restart
 * in a gap marks it interrupted like any other.
 *
 * Energy: the host's RAPL package energy of each interval between two
 * polls (every start, end, pause and resume, and at least every
 * RUNNER_TICK_S) is split equally among the jobs running in it, so that
 * jobs that overlap do not each count the whole host.
 *
 * Waiting is sigtimedwait() on SIGCHLD, SIGINT and SIGTERM, blocked for
 * the whole run: no handlers, no globals, no busy loop, and a signal
 * that arrives between two checks is never lost.  Children get their own
 * process group (a terminal's ^C reaches only the runner, which decides)
 * and the default signal mask and dispositions.
 */
#include "solver/solver.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* At most this long between looks at the clock and the RAPL counters. */
#define RUNNER_TICK_S 60

enum run_state { RUN_SKIP, RUN_PENDING, RUN_RUNNING, RUN_DONE };

struct run {
	const struct plan_job *job;
	char *id;             /* store id, "JOB@START" */
	enum run_state state;
	pid_t pid;
	gs_time start;
	size_t part;          /* the part running, or the last one paused */
	bool paused;
	double paused_at, paused_s;  /* when the pause began; pauses' total */
	double energy_j;      /* its share of the host's energy so far */
};

struct runner {
	struct store *st;
	const struct runner_opts *o;
	struct runner_stats *stats;
	struct run *runs;
	size_t n, next;       /* runs in start order; next pending */
	size_t running;
	bool stopping;
	bool terminating;     /* a second signal: running jobs were sent SIGTERM */
	struct rapl rapl;
	double rapl_j;        /* the counters at the last poll */
	struct strbuf line;
};

/*
 * One runner per store: a second one would find the first one's live
 * runs 'started' and take them for the leftovers of a killed runner.
 * The lock is flock() on a file beside the store, released by the kernel
 * however the runner ends; close-on-exec, so that a job that outlives a
 * killed runner does not keep holding it.
 */
int runner_lock(const char *db_path, int *fd, struct errmsg *err)
{
	struct strbuf path;
	int saved;

	strbuf_init(&path);
	strbuf_addf(&path, "%s.run.lock", db_path);
	*fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0) {
		saved = errno;
		err_set(err, "cannot open the runner lock '%s': %s", path.buf,
			strerror(saved));
		strbuf_release(&path);
		return -1;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		saved = errno;
		if (saved == EWOULDBLOCK)
			err_set(err, "another 'greenslot run' is running on "
				"store '%s' (it holds '%s'); one runner per "
				"store", db_path, path.buf);
		else
			err_set(err, "cannot lock '%s': %s", path.buf,
				strerror(saved));
		close(*fd);
		*fd = -1;
		strbuf_release(&path);
		return -1;
	}
	strbuf_release(&path);
	return 0;
}

void runner_run_id(const struct plan_job *j, struct strbuf *out)
{
	char buf[GS_TIME_BUFSZ];

	strbuf_addf(out, "%s@%s", j->id, time_format(j->start, buf));
}

static void note(struct runner *r, const char *fmt, ...) GS_PRINTF(2, 3);
static void note(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->o->note)
		return;
	strbuf_reset(&r->line);
	va_start(ap, fmt);
	strbuf_vaddf(&r->line, fmt, ap);
	va_end(ap);
	r->o->note(r->o->ud, r->line.buf);
}

static struct store_run store_key(const struct run *u)
{
	struct store_run sr = {RUNNER_SOURCE, u->id, u->job->site,
			       u->job->command, NULL, u->job->start,
			       u->start, GS_TIME_NONE, -1, (double)NAN,
			       (double)NAN};
	return sr;
}

/* A job's parts: its segments, or the job itself when it has none. */
static size_t nparts(const struct plan_job *j)
{
	return j->nsegments ? j->nsegments : 1;
}

static gs_time part_start(const struct plan_job *j, size_t k)
{
	return j->nsegments ? j->segments[k].start : j->start;
}

static gs_time part_end(const struct plan_job *j, size_t k)
{
	return j->nsegments ? j->segments[k].end : j->end;
}

/* Parts must follow one another: a pause ends before the next begins. */
static int check_parts(const struct plan_job *j, struct errmsg *err)
{
	for (size_t k = 0; k < nparts(j); k++)
		if (part_end(j, k) < part_start(j, k) ||
		    (k && part_start(j, k) < part_end(j, k - 1)))
			return err_set(err, "job '%s': segment %zu starts "
				       "before the one before it ends, or "
				       "ends before it starts", j->id, k + 1);
	return 0;
}

int runner_check_plan(const struct plan *p, const char *site,
		      struct errmsg *err)
{
	if (export_check_commands(p, site, err) < 0)
		return -1;
	for (size_t i = 0; i < p->njobs; i++)
		if ((!site || !strcmp(site, p->jobs[i].site)) &&
		    check_parts(&p->jobs[i], err) < 0)
			return -1;
	return 0;
}

/* What the store says of each selected run: pending, or skip and why. */
static int triage(struct runner *r, struct run *u, struct errmsg *err)
{
	char *status;
	struct store_run sr = store_key(u);

	if (store_run_status(r->st, RUNNER_SOURCE, u->id, &status, err) < 0)
		return -1;
	u->state = status ? RUN_SKIP : RUN_PENDING;
	if (status && !strcmp(status, "started")) {
		sr.status = "interrupted";
		if (store_run_finish(r->st, &sr, err) < 0) {
			free(status);
			return -1;
		}
		note(r, "%s: started by an earlier run that was stopped; "
		     "marked interrupted, not run again", u->job->id);
		r->stats->interrupted++;
	} else if (status) {
		note(r, "%s: already ran (%s); skipped", u->job->id, status);
		r->stats->skipped++;
	}
	free(status);
	return 0;
}

static int select_runs(struct runner *r, const struct plan *p,
		       struct errmsg *err)
{
	size_t *idx = xcalloc(p->njobs + 1, sizeof(*idx));
	int ret = 0;

	export_order(p, idx);
	r->runs = xcalloc(p->njobs + 1, sizeof(*r->runs));
	for (size_t i = 0; i < p->njobs && !ret; i++) {
		const struct plan_job *j = &p->jobs[idx[i]];
		struct run *u = &r->runs[r->n];
		struct strbuf id;

		if (r->o->site && strcmp(j->site, r->o->site))
			continue;
		strbuf_init(&id);
		runner_run_id(j, &id);
		u->job = j;
		u->id = strbuf_detach(&id);
		r->n++;
	}
	for (size_t i = 0; i < r->n && !ret; i++)
		ret = triage(r, &r->runs[i], err);
	free(idx);
	return ret;
}

static pid_t spawn(const char *command, struct errmsg *err)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)command,
			NULL};
	posix_spawnattr_t at;
	sigset_t none, dfl;
	pid_t pid;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	rc = posix_spawn(&pid, "/bin/sh", NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	if (rc) {
		err_set(err, "cannot start /bin/sh: %s", strerror(rc));
		return -1;
	}
	return pid;
}

/* Wall-clock time with its fraction, so that a job starts on its second. */
static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool active(const struct run *u)
{
	return u->state == RUN_RUNNING && !u->paused;
}

/*
 * Polls the counters and splits the energy since the last poll equally
 * among the jobs running (not paused) now.  Called before every change
 * of who runs, so that the split holds for the whole interval.
 */
static void account(struct runner *r)
{
	double j = rapl_poll(&r->rapl), d;
	size_t k = 0;

	if (isnan(j))
		return;
	d = j - r->rapl_j;
	r->rapl_j = j;
	for (size_t i = 0; i < r->n; i++)
		k += active(&r->runs[i]);
	for (size_t i = 0; i < r->n && k; i++)
		if (active(&r->runs[i]))
			r->runs[i].energy_j += d / (double)k;
}

static int finish(struct runner *r, struct run *u, int exit_status,
		  struct errmsg *err)
{
	struct store_run sr = store_key(u);

	sr.end = time_now();
	sr.exit_status = exit_status;
	sr.status = exit_status == 0 ? "completed" : "failed";
	sr.energy_kwh = r->rapl.n ? u->energy_j / 3.6e6 : (double)NAN;
	if (u->paused_s > 0)
		sr.runtime_s = fmax(0, (double)(sr.end - sr.start) -
				       round(u->paused_s));
	u->state = RUN_DONE;
	if (exit_status == 0)
		r->stats->completed++;
	else
		r->stats->failed++;
	if (!isnan(sr.energy_kwh))
		r->stats->energy_kwh = (isnan(r->stats->energy_kwh)
						? 0 : r->stats->energy_kwh) +
				       sr.energy_kwh;
	note(r, "%s: %s, exit status %d, %lld s", u->job->id, sr.status,
	     exit_status, (long long)(isnan(sr.runtime_s)
					  ? sr.end - sr.start
					  : (gs_time)sr.runtime_s));
	return store_run_finish(r->st, &sr, err);
}

static int start(struct runner *r, struct run *u, struct errmsg *err)
{
	struct store_run sr;
	char planned[GS_TIME_BUFSZ];
	bool claimed;

	u->start = time_now();
	sr = store_key(u);
	if (store_run_claim(r->st, &sr, &claimed, err) < 0)
		return -1;
	if (!claimed) {
		note(r, "%s: claimed by another runner; skipped", u->job->id);
		u->state = RUN_SKIP;
		r->stats->skipped++;
		return 0;
	}
	account(r);
	r->stats->started++;
	note(r, "%s: started (planned %s)", u->job->id,
	     time_format(u->job->start, planned));
	u->pid = spawn(u->job->command, err);
	if (u->pid < 0) {
		note(r, "%s: %s", u->job->id, err->msg);
		return finish(r, u, 127, err);
	}
	u->state = RUN_RUNNING;
	r->running++;
	return 0;
}

static int reap(struct runner *r, struct errmsg *err)
{
	int ws;
	pid_t pid;

	account(r);
	while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
		for (size_t i = 0; i < r->n; i++) {
			struct run *u = &r->runs[i];
			if (u->state != RUN_RUNNING || u->pid != pid)
				continue;
			r->running--;
			if (finish(r, u, WIFEXITED(ws) ? WEXITSTATUS(ws)
						       : 128 + WTERMSIG(ws),
				   err) < 0)
				return -1;
		}
	}
	return 0;
}

static void next_pending(struct runner *r)
{
	while (r->next < r->n && r->runs[r->next].state != RUN_PENDING)
		r->next++;
}

/* *wait becomes the sooner of itself and left (-1: nothing to wait for). */
static void sooner(double *wait, double left)
{
	if (*wait < 0 || left < *wait)
		*wait = left;
}

/*
 * When a pending run is due, and in which part: its first part's start;
 * a runner that comes late starts it at once when a part is under way
 * (or all are over), else at the next part's start.
 */
static double due_at(const struct run *u, double now, size_t *part)
{
	const struct plan_job *j = u->job;

	for (size_t k = 0; k < nparts(j); k++) {
		if (now < (double)part_end(j, k)) {
			*part = k;
			return (double)part_start(j, k);
		}
	}
	*part = nparts(j) - 1;
	return now;
}

/* --now: one job at a time, in plan order, all in one piece. */
static int start_next(struct runner *r, struct errmsg *err)
{
	for (next_pending(r); r->next < r->n && !r->running;
	     next_pending(r)) {
		struct run *u = &r->runs[r->next];

		u->part = nparts(u->job) - 1;
		if (start(r, u, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * Starts what is due; *wait gets the seconds until the next start, or -1
 * when there is nothing to wait for but children and signals.
 */
static int start_due(struct runner *r, double *wait, struct errmsg *err)
{
	*wait = -1;
	next_pending(r);
	if (r->stopping)
		return 0;
	if (r->o->now)
		return start_next(r, err);
	for (size_t i = r->next; i < r->n; i++) {
		struct run *u = &r->runs[i];
		double now = now_real(), left;
		size_t part;

		if (u->state != RUN_PENDING)
			continue;
		left = due_at(u, now, &part) - now;
		if (left > 0) {
			sooner(wait, left);
			continue;
		}
		u->part = part;
		if (start(r, u, err) < 0)
			return -1;
	}
	return 0;
}

static void pause_run(struct runner *r, struct run *u, double now)
{
	char when[GS_TIME_BUFSZ];

	account(r);
	kill(-u->pid, SIGSTOP);
	u->paused = true;
	u->paused_at = now;
	note(r, "%s: part %zu of %zu ended: paused until %s", u->job->id,
	     u->part + 1, nparts(u->job),
	     time_format(part_start(u->job, u->part + 1), when));
}

/* Ends a pause: SIGCONT, and the pause counted out of the runtime. */
static void wake(struct runner *r, struct run *u, double now)
{
	account(r);
	u->paused = false;
	u->paused_s += now - u->paused_at;
	kill(-u->pid, SIGCONT);
}

static void resume_run(struct runner *r, struct run *u, double now)
{
	wake(r, u, now);
	u->part++;
	note(r, "%s: resumed for part %zu of %zu", u->job->id, u->part + 1,
	     nparts(u->job));
}

/*
 * Pauses and resumes the running jobs in parts whose part ended or
 * began; *wait becomes the sooner of itself and the next such moment.
 */
static void step_parts(struct runner *r, double *wait)
{
	for (size_t i = 0; i < r->n && !r->terminating; i++) {
		struct run *u = &r->runs[i];
		double now = now_real();

		while (u->state == RUN_RUNNING && u->part + 1 < nparts(u->job)) {
			double next = (double)part_start(u->job, u->part + 1);
			double ev = u->paused ? next
					      : (double)part_end(u->job, u->part);

			if (ev > now) {
				sooner(wait, ev - now);
				break;
			}
			if (u->paused)
				resume_run(r, u, now);
			else if (next <= now)
				u->part++; /* the gap is over already */
			else
				pause_run(r, u, now);
		}
	}
}

static void on_signal(struct runner *r, int sig)
{
	if (!r->stopping) {
		r->stopping = true;
		r->stats->stopped = true;
		note(r, "%s: starting no more jobs; waiting for %zu running "
		     "(signal again to terminate them)",
		     sig == SIGINT ? "interrupt" : "terminated", r->running);
		return;
	}
	r->terminating = true; /* and no more pauses */
	for (size_t i = 0; i < r->n; i++) {
		if (r->runs[i].state != RUN_RUNNING)
			continue;
		kill(-r->runs[i].pid, SIGTERM);
		if (r->runs[i].paused) /* a stopped job must wake to die */
			wake(r, &r->runs[i], now_real());
	}
	note(r, "sent SIGTERM to %zu running jobs", r->running);
}

static int loop(struct runner *r, const sigset_t *set, struct errmsg *err)
{
	for (;;) {
		struct timespec ts = {RUNNER_TICK_S, 0};
		double wait;
		siginfo_t si;
		int sig;

		if (start_due(r, &wait, err) < 0)
			return -1;
		step_parts(r, &wait);
		next_pending(r);
		if (!r->running && (r->stopping || r->next >= r->n))
			return 0;
		if (wait >= 0 && wait < RUNNER_TICK_S) {
			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
		}
		sig = sigtimedwait(set, &si, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			on_signal(r, sig);
		if (reap(r, err) < 0)
			return -1;
	}
}

int runner_run(struct store *st, const struct plan *p,
	       const struct runner_opts *o, struct runner_stats *stats,
	       struct errmsg *err)
{
	struct runner r = {0};
	sigset_t set, old;
	int ret;

	memset(stats, 0, sizeof(*stats));
	stats->energy_kwh = (double)NAN;
	r.st = st;
	r.o = o;
	r.stats = stats;
	strbuf_init(&r.line);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	rapl_open(&r.rapl, o->powercap);
	r.rapl_j = r.rapl.n ? rapl_poll(&r.rapl) : 0;
	ret = runner_check_plan(p, o->site, err);
	if (!ret)
		ret = select_runs(&r, p, err);
	if (!ret)
		ret = loop(&r, &set, err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (size_t i = 0; i < r.n; i++)
		free(r.runs[i].id);
	free(r.runs);
	rapl_release(&r.rapl);
	strbuf_release(&r.line);
	return ret;
}
