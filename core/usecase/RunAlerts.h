#pragma once

#include "core/model/EvalStatus.h"

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace kw {

// The alert rules of a followed training run, for every front end (the Training panel's banner,
// `kernelwatch-cli watch`): a run that writes nothing for a while, and cheat or error rates that
// jump (the latest rows against the ones before them). Pure; the words are here too.
struct RunAlertRules
{
    double stallSeconds = 300;
    std::size_t recent = 50;  // rows in the latest window
    std::size_t before = 200; // rows in the window before it
    std::size_t minRows = 70; // fewer rows than this: no rate alerts yet
    double cheatJump = 0.15;  // rise of the cheat rate that alerts
    double errorJump = 0.25;  // rise of the error rate (runtime error, crash, timeout, infra, unreadable)
};

// One evaluation as the rules see it.
struct AlertSample
{
    bool valid = true; // the line could be read
    bool cheated = false;
    EvalStatus status = EvalStatus::Unknown;
};

struct RunAlert
{
    enum class Kind
    {
        Stall,
        CheatJump,
        ErrorJump,
    };
    Kind kind = Kind::Stall;
    std::string run;
    double now = 0;    // stall: seconds without a line; jumps: the latest rate (0..1)
    double before = 0; // jumps: the rate before
    // What happened, without the run's name: "no new trace line for 6 min", "cheat rate jumped to 40% (was
    // 5%)".
    std::string message() const;
    // Stable while the same condition holds (a stall's duration left out): for dismissals and dedup.
    std::string key() const;
};

// The alerts of one run now. `rows` in file order (only the last recent + before are read).
std::vector<RunAlert> runAlerts(const std::string& run, double quietSeconds,
                                const std::vector<AlertSample>& rows, const RunAlertRules& rules = {});

// Follows several runs for a front end that has no table to read rows from (the CLI): keeps the
// last rows of each run and when each last grew, and says which alerts are new since last asked.
class RunAlertMonitor
{
public:
    explicit RunAlertMonitor(RunAlertRules rules = {}) : m_rules(rules) {}
    void rowsArrived(const std::string& run, const std::vector<AlertSample>& rows, double now);
    // Alerts whose key was not active at the previous call (an alert that clears and comes back is
    // new again); `active` gets every alert holding now.
    std::vector<RunAlert> poll(double now, std::vector<RunAlert>* active = nullptr);

private:
    struct Run
    {
        std::deque<AlertSample> rows;
        double lastArrival = 0;
    };
    RunAlertRules m_rules;
    std::map<std::string, Run> m_runs;
    std::vector<std::string> m_activeKeys;
};

} // namespace kw
