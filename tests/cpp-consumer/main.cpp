// NPS per dealer from a few survey rows, through the installed C API.
// Prints one line per dealer and exits non-zero if any answer is wrong.
#include <nps.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

int main() {
    // Dealer 1: 10, 9, 6, 8 -> NPS (2 - 1) / 4 = 25; dealer 2: 0, 10 -> 0.
    const std::vector<uint8_t> scores = {10, 9, 6, 8, 0, 10};
    const std::vector<uint64_t> dealers = {1, 1, 1, 1, 2, 2};
    const double expected[] = {25.0, 0.0};

    NpsGroupOptions options{};
    options.keys_u64 = dealers.data();
    NpsGrouped *grouped = nullptr;
    if (nps_group_by_u8(scores.data(), scores.size(), &options, &grouped) != NPS_STATUS_OK) {
        char message[256];
        nps_last_error_message(message, sizeof message);
        std::fprintf(stderr, "nps_group_by_u8: %s\n", message);
        return 1;
    }
    int wrong = nps_grouped_len(grouped) == 2 ? 0 : 1;
    for (size_t i = 0; i < nps_grouped_len(grouped) && i < 2; ++i) {
        NpsGroup group{};
        double nps = 0;
        NpsInterval ci{};
        if (nps_grouped_get(grouped, i, &group) != NPS_STATUS_OK ||
            nps_tally_nps(&group.tally, &nps) != NPS_STATUS_OK ||
            nps_tally_interval(&group.tally, nullptr, &ci) != NPS_STATUS_OK) {
            ++wrong;
            continue;
        }
        std::printf("dealer %llu: NPS %.1f [%.1f, %.1f] (%s)\n",
                    static_cast<unsigned long long>(group.key_uint), nps, ci.low, ci.high,
                    nps_interval_method_name(ci.method));
        if (std::fabs(nps - expected[i]) > 1e-12 || !(ci.low <= nps && nps <= ci.high)) ++wrong;
    }
    nps_grouped_free(grouped);

    // A grouped KPI through a typed table handle: on-time flags per dealer.
    const std::vector<uint8_t> on_time = {1, 0, 1, 1, 1, 1};
    const std::vector<uint32_t> dealer_keys = {1, 1, 1, 1, 2, 2};
    NpsKpiGrouping by_dealer{};
    by_dealer.keys = dealer_keys.data();
    NpsKpiTable *table = nullptr;
    NpsKpiGroup row{};
    if (nps_kpi_rate_table(on_time.data(), nullptr, on_time.size(), &by_dealer, &table) !=
            NPS_STATUS_OK ||
        nps_kpi_table_len(table) != 2 || nps_kpi_table_get(table, 0, &row) != NPS_STATUS_OK ||
        row.key != 1 || std::fabs(row.kpi.value - 0.75) > 1e-12) {
        ++wrong;
    }
    nps_kpi_table_free(table);

    // Dealer x advisor (two key columns) read back through the generic table.
    const char *const advisors[] = {"ann", "ann", "bo", "bo", "ann", "ann"};
    NpsKeyColumn columns[2] = {{NPS_KEY_TYPE_U64, dealers.data()}, {NPS_KEY_TYPE_STR, advisors}};
    NpsGroupOptions by_pair{};
    by_pair.key_columns = columns;
    by_pair.n_key_columns = 2;
    NpsGrouped *pairs = nullptr;
    NpsTable *t = nullptr;
    size_t nps_column = 0;
    double first = 0;
    bool is_null = true;
    // (1, ann): 10, 9 -> NPS 100; (1, bo): 6, 8 -> -50; (2, ann): 0, 10 -> 0.
    if (nps_group_by_u8(scores.data(), scores.size(), &by_pair, &pairs) != NPS_STATUS_OK ||
        nps_grouped_to_table(pairs, nullptr, &t) != NPS_STATUS_OK || nps_table_rows(t) != 3 ||
        nps_table_key_columns(t) != 2 ||
        nps_table_column_index(t, "nps", &nps_column) != NPS_STATUS_OK ||
        nps_table_get_f64(t, 1, nps_column, &first, &is_null) != NPS_STATUS_OK || is_null ||
        std::fabs(first + 50.0) > 1e-12) {
        ++wrong;
    }
    nps_table_free(t);
    nps_grouped_free(pairs);
    if (std::strcmp(nps_version(), NPS_VERSION) != 0) ++wrong;
    std::printf("consumer: %s\n", wrong == 0 ? "ok" : "WRONG");
    return wrong == 0 ? 0 : 1;
}
