#include "ui/evaluations/ProfileBridge.h"

#include "core/profile/NcuFinder.h"
#include "core/profile/ProfileReport.h"
#include "core/profile/ProfileRunner.h"
#include "core/profile/ProfileStore.h"
#include "ui/base/QtStd.h"
#include "ui/base/Settings.h"

namespace kw::ui {

using profile::ProfileError;
using profile::ProfileReport;

namespace {

profile::ProfileOptions optionsFor(const Settings& settings, const profile::ProfileStore& store,
                                   const std::optional<EvalResult>& result)
{
    profile::ProfileOptions o;
    o.ncu = toStd(settings.ncuPath());
    o.python = toStd(settings.pythonPath());
    o.cacheDir = toStd(settings.cacheDir());
    if (result) {
        o.outDir = store.dirFor(result->id);
        if (result->device.target.rfind("cuda", 0) == 0)
            o.device = result->device.target;
    }
    return o;
}

QString failureText(const ProfileReport& r)
{
    QString what;
    switch (r.error) {
    case ProfileError::CountersNotPermitted:
        what = ProfileBridge::tr("Performance counters are not permitted.");
        break;
    case ProfileError::NcuMissing:
        what = ProfileBridge::tr("Nsight Compute is not available.");
        break;
    case ProfileError::NoGpu:
        what = ProfileBridge::tr("No GPU.");
        break;
    case ProfileError::Timeout:
        what = ProfileBridge::tr("The profile timed out.");
        break;
    default:
        what = ProfileBridge::tr("The profile failed.");
        break;
    }
    QString why = qs(r.errorMessage);
    if (!why.isEmpty())
        why[0] = why[0].toUpper();
    return what + u' ' + why;
}

ProfileSummary summarize(const ProfileReport& r)
{
    ProfileSummary s;
    s.resultId = qs(r.resultId);
    s.ok = r.ok();
    if (!s.ok)
        s.failure = failureText(r);
    s.log = qs(r.log);
    s.device = qs(r.device);
    s.ncuVersion = qs(r.ncuVersion);
    s.reportPath = qs(r.reportPath);
    s.wallS = r.wallS;
    s.kernels = r.kernels();
    return s;
}

} // namespace

ProfileBridge::ProfileBridge(Settings& settings, QObject* parent)
    : QObject(parent), m_settings(settings), m_store(std::make_unique<profile::ProfileStore>())
{
}

ProfileBridge::~ProfileBridge()
{
    m_job.wait();
}

QString ProfileBridge::refusal(const EvalResult& result)
{
    return qs(profile::profileRefusal(result));
}

ProfileBridge::Ncu ProfileBridge::findNcu() const
{
    const profile::NcuLocation ncu = profile::findNcu(toStd(m_settings.ncuPath()), childenv::current());
    return {qs(ncu.path), ncu.path.empty() ? qs(ncu.message()) : QString()};
}

QString ProfileBridge::findNcuUi(const QString& ncuPath)
{
    return qs(profile::findNcuUi(toStd(ncuPath), childenv::current()));
}

QString ProfileBridge::deviceFor(const std::optional<EvalResult>& result) const
{
    return qs(optionsFor(m_settings, *m_store, result).device);
}

bool ProfileBridge::canStore(const EvalResult& result) const
{
    return !m_store->dirFor(result.id).empty();
}

std::optional<ProfileSummary> ProfileBridge::stored(const EvalResult& result) const
{
    if (auto report = m_store->load(result.id))
        return summarize(*report);
    return std::nullopt;
}

void ProfileBridge::start(const EvalResult& result, std::function<void(const ProfileSummary&)> done)
{
    const profile::ProfileOptions o = optionsFor(m_settings, *m_store, result);
    EvalRequest request = result.request;
    request.id = result.id;
    m_job.start(
        [request, o] {
            ProfileReport r = profile::runProfile(request, o);
            profile::ProfileStore::saveIn(o.outDir, r);
            return summarize(r);
        },
        std::move(done));
}

} // namespace kw::ui
