#include "core/usecase/RunAlerts.h"

#include "core/local/ResultAssembly.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kw {

namespace {

std::string percent(double v)
{
    char b[16];
    std::snprintf(b, sizeof b, "%.0f%%", v * 100);
    return b;
}

bool isError(const AlertSample& r)
{
    return !r.valid || r.status == EvalStatus::RuntimeError || r.status == EvalStatus::Crashed ||
           r.status == EvalStatus::Timeout || r.status == EvalStatus::InfraError;
}

} // namespace

std::string RunAlert::message() const
{
    switch (kind) {
    case Kind::Stall:
        return "no new trace line for " + formatSeconds(std::round(now));
    case Kind::CheatJump:
        return "cheat rate jumped to " + percent(now) + " (was " + percent(before) + ")";
    case Kind::ErrorJump:
        return "error rate jumped to " + percent(now) + " (was " + percent(before) + ")";
    }
    return {};
}

std::string RunAlert::key() const
{
    static const char* names[] = {"stall", "cheat", "error"};
    return run + "|" + names[static_cast<int>(kind)];
}

std::vector<RunAlert> runAlerts(const std::string& run, double quietSeconds,
                                const std::vector<AlertSample>& rows, const RunAlertRules& rules)
{
    std::vector<RunAlert> out;
    if (quietSeconds >= rules.stallSeconds)
        out.push_back({RunAlert::Kind::Stall, run, quietSeconds, 0});
    if (rows.size() < std::max(rules.minRows, rules.recent + 1))
        return out;
    auto rates = [&rows](std::size_t from, std::size_t to) {
        double n = 0, cheat = 0, err = 0;
        for (std::size_t i = from; i < to; ++i) {
            n += 1;
            cheat += rows[i].cheated ? 1 : 0;
            err += isError(rows[i]) ? 1 : 0;
        }
        return std::pair{cheat / n, err / n};
    };
    const std::size_t end = rows.size(), mid = end - rules.recent;
    const std::size_t begin = mid > rules.before ? mid - rules.before : 0;
    const auto [cheatNow, errNow] = rates(mid, end);
    const auto [cheatBefore, errBefore] = rates(begin, mid);
    if (cheatNow - cheatBefore >= rules.cheatJump)
        out.push_back({RunAlert::Kind::CheatJump, run, cheatNow, cheatBefore});
    if (errNow - errBefore >= rules.errorJump)
        out.push_back({RunAlert::Kind::ErrorJump, run, errNow, errBefore});
    return out;
}

void RunAlertMonitor::rowsArrived(const std::string& run, const std::vector<AlertSample>& rows, double now)
{
    Run& r = m_runs[run];
    if (r.lastArrival == 0 || !rows.empty())
        r.lastArrival = now;
    for (const auto& s : rows) {
        r.rows.push_back(s);
        if (r.rows.size() > m_rules.recent + m_rules.before)
            r.rows.pop_front();
    }
}

std::vector<RunAlert> RunAlertMonitor::poll(double now, std::vector<RunAlert>* active)
{
    std::vector<RunAlert> all;
    for (const auto& [name, run] : m_runs) {
        auto a = runAlerts(name, now - run.lastArrival, {run.rows.begin(), run.rows.end()}, m_rules);
        all.insert(all.end(), a.begin(), a.end());
    }
    std::vector<RunAlert> fresh;
    std::vector<std::string> keys;
    for (const auto& a : all) {
        keys.push_back(a.key());
        if (std::find(m_activeKeys.begin(), m_activeKeys.end(), a.key()) == m_activeKeys.end())
            fresh.push_back(a);
    }
    m_activeKeys = std::move(keys);
    if (active)
        *active = std::move(all);
    return fresh;
}

} // namespace kw
