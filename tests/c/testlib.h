/* A tiny test harness for the C tests of libnps: test cases made of checks.
 * A case passes when all its checks pass; each program ends by printing
 * "<program>: N passed, M failed" and exits non-zero on any failure. */
#ifndef NPS_TESTLIB_H
#define NPS_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "nps.h"

/* Starts a case; the name is copied. */
void case_begin(const char *fmt, ...);
/* Ends the current case and counts it. */
void case_end(void);
/* Records a failed check with a message (printf-style). */
void fail(const char *file, int line, const char *fmt, ...);
/* Prints the summary line; returns the process exit status. */
int summary(const char *program);
/* Number of cases counted so far. */
int cases_passed(void);

#define CHECK(cond) \
    do { \
        if (!(cond)) fail(__FILE__, __LINE__, "check failed: %s", #cond); \
    } while (0)

/* Checks |got - want| <= tol (both finite). */
#define CHECK_CLOSE(what, got, want, tol) \
    check_close_at(__FILE__, __LINE__, (what), (got), (want), (tol))
/* Checks |got - want| <= rtol * |want|. */
#define CHECK_REL(what, got, want, rtol) \
    check_rel_at(__FILE__, __LINE__, (what), (got), (want), (rtol))
/* Checks a status; on a mismatch prints the last error message. */
#define CHECK_STATUS(got, want) check_status_at(__FILE__, __LINE__, #got, (got), (want))
#define CHECK_U64(what, got, want) \
    check_u64_at(__FILE__, __LINE__, (what), (uint64_t)(got), (uint64_t)(want))
#define CHECK_STR(what, got, want) check_str_at(__FILE__, __LINE__, (what), (got), (want))

void check_close_at(const char *file, int line, const char *what, double got, double want,
                    double tol);
void check_rel_at(const char *file, int line, const char *what, double got, double want,
                  double rtol);
void check_status_at(const char *file, int line, const char *expr, NpsStatus got,
                     NpsStatus want);
void check_u64_at(const char *file, int line, const char *what, uint64_t got, uint64_t want);
void check_str_at(const char *file, int line, const char *what, const char *got,
                  const char *want);

/* The whole file at `path` as a NUL-terminated string to free(), or NULL
 * when it cannot be read (the golden readers' input). */
char *read_file(const char *path);

/* The calling thread's last error message (static buffer, truncated). */
const char *last_message(void);

#endif
