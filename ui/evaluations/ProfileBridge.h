#pragma once

#include "core/model/EvalResult.h"
#include "core/profile/KernelProfile.h"
#include "ui/base/Job.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace kw::profile {
class ProfileStore;
}

namespace kw::ui {

class Settings;

// A profile as the Profile tab shows it, in Qt types; the kernels feed ProfileTableModel.
struct ProfileSummary
{
    QString resultId;
    bool ok = false;
    QString failure; // when !ok: what went wrong and what to do
    QString log;     // the tail of what ncu and the program printed
    QString device, ncuVersion, reportPath;
    double wallS = 0;
    std::vector<profile::KernelProfile> kernels; // one row per CUDA kernel
};

// The details pane's Profile tab's door to core (issue 16): whether a result can be profiled,
// where Nsight Compute is, the stored profile of a result, and a run under ncu
// (profile::runProfile) on a Job (off the UI thread, answered on it; the profile is kept in the
// profile store before the answer comes).
class ProfileBridge : public QObject
{
    Q_OBJECT
public:
    explicit ProfileBridge(Settings& settings, QObject* parent = nullptr);
    ~ProfileBridge() override;

    // Why this result cannot be profiled (a CPU result, a failed one…); empty when it can.
    static QString refusal(const EvalResult& result);
    // ncu as the settings and PATH give it: its path (empty when absent) and, when absent, what
    // to do.
    struct Ncu
    {
        QString path, message;
    };
    Ncu findNcu() const;
    // Nsight Compute's GUI beside `ncuPath` or on PATH; empty when absent.
    static QString findNcuUi(const QString& ncuPath);
    // The GPU a result is profiled on ("cuda:0" unless it ran on another).
    QString deviceFor(const std::optional<EvalResult>& result) const;
    // False when the result's id cannot name a profile folder.
    bool canStore(const EvalResult& result) const;
    std::optional<ProfileSummary> stored(const EvalResult& result) const;

    // Profiles the result's candidate once more under ncu; done(summary) on the UI thread.
    void start(const EvalResult& result, std::function<void(const ProfileSummary&)> done);
    bool running() const { return m_job.busy(); }

private:
    Settings& m_settings;
    std::unique_ptr<profile::ProfileStore> m_store;
    Job<ProfileSummary> m_job{this};
};

} // namespace kw::ui
