// nps.h from C++ (compiled with g++ -std=c++11 -Wall -Wextra -Werror): the
// header is C++-compatible, its enums are 32-bit and usable as arguments.
#include "nps.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>

static_assert(sizeof(NpsStatus) == 4, "NpsStatus is 32 bits");
static_assert(std::is_same<std::underlying_type<NpsStatus>::type, uint32_t>::value,
              "NpsStatus is a uint32_t enum");
static_assert(NPS_STATUS_OK == 0 && NPS_STATUS_NULL_POINTER == 100, "fixed values");
static_assert(std::is_standard_layout<NpsTally>::value, "plain C struct");
static_assert(std::is_standard_layout<NpsTriage>::value, "plain C struct");
static_assert(NPS_ROLE_NONE == UINT32_MAX && NPS_ALERT_NONE == 0 && NPS_TIER_NONE == 0,
              "sentinels and zero defaults");

static int failed = 0, passed = 0;

#define CHECK(cond)                                                     \
    do {                                                                \
        if (cond) {                                                     \
            ++passed;                                                   \
        } else {                                                        \
            ++failed;                                                   \
            std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                               \
    } while (0)

int main() {
    const uint8_t scores[] = {10, 9, 8, 3};
    NpsTally t{};
    uint64_t skipped = 1;
    CHECK(nps_tally_from_u8(scores, 4, NPS_INVALID_POLICY_RAISE, &t, &skipped) == NPS_STATUS_OK);
    CHECK(skipped == 0 && t.promoters == 2 && t.detractors == 1);
    double v = 0;
    CHECK(nps_tally_nps(&t, &v) == NPS_STATUS_OK && v == 25.0);  // (2 - 1) / 4

    NpsIntervalOptions o = nps_interval_options_default();
    o.method = NPS_INTERVAL_METHOD_WALD;
    NpsInterval ci{};
    CHECK(nps_tally_interval(&t, &o, &ci) == NPS_STATUS_OK && ci.low < 25.0 && ci.high > 25.0);

    NpsGroupOptions g{};
    const int64_t keys[] = {2, 1, 2, 1};
    g.keys_i64 = keys;
    NpsGrouped *h = nullptr;
    CHECK(nps_group_by_u8(scores, 4, &g, &h) == NPS_STATUS_OK && nps_grouped_len(h) == 2);
    NpsGroup first{};
    CHECK(nps_grouped_get(h, 0, &first) == NPS_STATUS_OK && first.key_int == 1);
    nps_grouped_free(h);

    NpsPolicy *policy = nullptr;
    CHECK(nps_policy_default(&policy) == NPS_STATUS_OK);
    NpsResponse r{};
    r.score = 2;
    NpsTriage tr{};
    CHECK(nps_policy_triage(policy, &r, &tr) == NPS_STATUS_OK && tr.alert == NPS_ALERT_RED &&
          tr.tier == NPS_TIER_S && tr.acknowledge_by == 2 * 3600);
    char role[32];
    CHECK(nps_policy_role_name(policy, tr.owner, role, sizeof role, nullptr) == NPS_STATUS_OK &&
          std::strcmp(role, "service_manager") == 0);
    NpsApprovalOptions ao{};
    NpsApproval ap{};
    CHECK(nps_policy_required_approver(policy, nullptr, 0, NPS_TIER_NONE, &ao, &ap, nullptr, 0) ==
              NPS_STATUS_OK &&
          ap.approved);
    nps_policy_free(policy);
    CHECK(nps_policy_from_json("{", 1, &policy) == NPS_STATUS_INVALID_POLICY &&
          nps_last_error_problem_count() == 1);

    CHECK(nps_tally_nps(nullptr, &v) == NPS_STATUS_NULL_POINTER);
    CHECK(std::strcmp(nps_status_name(NPS_STATUS_NULL_POINTER), "null_pointer") == 0);
    char msg[128];
    CHECK(nps_last_error_message(msg, sizeof msg) > 0 && std::strstr(msg, "tally") != nullptr);
    CHECK(std::strcmp(nps_version(), NPS_VERSION) == 0);

    std::printf("cpp_header: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
