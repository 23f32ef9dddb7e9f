#include "testlib.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed, case_failed, in_case;
static char case_name[256];

void case_begin(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(case_name, sizeof case_name, fmt, ap);
    va_end(ap);
    case_failed = 0;
    in_case = 1;
}

void case_end(void) {
    if (case_failed) {
        failed++;
    } else {
        passed++;
    }
    in_case = 0;
}

void fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    if (!case_failed) fprintf(stderr, "FAIL %s\n", in_case ? case_name : "(outside a case)");
    case_failed = 1;
    if (!in_case) failed++;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int summary(const char *program) {
    printf("%s: %d passed, %d failed\n", program, passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

int cases_passed(void) { return passed; }

void check_close_at(const char *file, int line, const char *what, double got, double want,
                    double tol) {
    if (!(isfinite(got) && isfinite(want) && fabs(got - want) <= tol)) {
        fail(file, line, "%s: got %.17g, want %.17g (tol %g)", what, got, want, tol);
    }
}

void check_rel_at(const char *file, int line, const char *what, double got, double want,
                  double rtol) {
    if (!(isfinite(got) && isfinite(want) && fabs(got - want) <= rtol * fabs(want))) {
        fail(file, line, "%s: got %.17g, want %.17g (rtol %g)", what, got, want, rtol);
    }
}

const char *last_message(void) {
    static char buf[1024];
    nps_last_error_message(buf, sizeof buf);
    return buf;
}

void check_status_at(const char *file, int line, const char *expr, NpsStatus got,
                     NpsStatus want) {
    if (got != want) {
        fail(file, line, "%s: got %s (%u), want %s (%u); last error: %s", expr,
             nps_status_name(got), (unsigned)got, nps_status_name(want), (unsigned)want,
             last_message());
    }
}

void check_u64_at(const char *file, int line, const char *what, uint64_t got, uint64_t want) {
    if (got != want) {
        fail(file, line, "%s: got %llu, want %llu", what, (unsigned long long)got,
             (unsigned long long)want);
    }
}

void check_str_at(const char *file, int line, const char *what, const char *got,
                  const char *want) {
    if (got == NULL || want == NULL || strcmp(got, want) != 0) {
        fail(file, line, "%s: got \"%s\", want \"%s\"", what, got ? got : "(null)",
             want ? want : "(null)");
    }
}

char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL) buf[size] = '\0';
    fclose(f);
    return buf;
}
