#include "ui/base/Settings.h"

#include "ui/base/QtStd.h"

#include "core/base/Paths.h"
#include "core/modal/ModalCli.h"
#include "core/modal/ModalConfig.h"
#include "core/model/HistoryStore.h"
#include "core/usecase/AppSettings.h"

#include <QSettings>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {
QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

Settings::Settings(QObject* parent) : QObject(parent), m_settings(std::make_unique<QSettings>()) {}

Settings::Settings(const QString& iniFile, QObject* parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

Settings::~Settings() = default;

QVariant Settings::value(const QString& key, const QVariant& fallback) const
{
    return m_settings->value(key, fallback);
}

bool Settings::store(const QString& key, const QVariant& v)
{
    if (m_settings->contains(key) && m_settings->value(key) == v)
        return false;
    m_settings->setValue(key, v);
    return true;
}

bool Settings::remove(const QString& key)
{
    if (!m_settings->contains(key))
        return false;
    m_settings->remove(key);
    return true;
}

QString Settings::pythonPath() const
{
    return value(u"local/python"_s, QString()).toString();
}
QString Settings::pythonFromEnvironment() const
{
    const AppSettings a = appSettings();
    return a.python.source == SettingSource::Environment ? qs(a.python.value) : QString();
}
void Settings::setPythonPath(const QString& path)
{
    if (store(u"local/python"_s, path.trimmed()))
        Q_EMIT localConfigChanged();
}

QStringList Settings::devices() const
{
    return value(u"local/devices"_s, QStringList()).toStringList();
}
void Settings::setDevices(const QStringList& devices)
{
    if (store(u"local/devices"_s, devices))
        Q_EMIT localConfigChanged();
}

int Settings::cpuConcurrency() const
{
    return std::clamp(value(u"local/cpuConcurrency"_s, 1).toInt(), 1, 256);
}
void Settings::setCpuConcurrency(int n)
{
    if (store(u"local/cpuConcurrency"_s, std::clamp(n, 1, 256)))
        Q_EMIT localConfigChanged();
}

long long Settings::memLimitMb() const
{
    bool ok = false;
    const long long mb = value(u"local/memLimitMb"_s, -1).toLongLong(&ok);
    return ok && mb >= 0 ? mb : -1;
}
void Settings::setMemLimitMb(long long mb)
{
    // The default is no key at all, so a later change of the default reaches this user too.
    if (mb < 0 ? remove(u"local/memLimitMb"_s) : store(u"local/memLimitMb"_s, mb))
        Q_EMIT localConfigChanged();
}
QString Settings::memLimitFromEnvironment() const
{
    const AppSettings a = appSettings();
    return a.memLimitMb.source == SettingSource::Environment ? QString::number(a.memLimitMb.value)
                                                             : QString();
}

QString Settings::defaultCacheDir() const
{
    return fromStd(paths::cacheDir()) + u"/compile"_s;
}
QString Settings::cacheDir() const
{
    return value(u"local/cacheDir"_s, defaultCacheDir()).toString();
}
void Settings::setCacheDir(const QString& dir)
{
    if (store(u"local/cacheDir"_s, dir.trimmed().isEmpty() ? defaultCacheDir() : dir.trimmed()))
        Q_EMIT localConfigChanged();
}

LocalConfig Settings::localConfig() const
{
    return appSettings().localConfig();
}

AppSettings Settings::appSettings() const
{
    // What is stored here, as the core reads a settings file (unsynced changes included).
    SettingLayers l = SettingLayers::load({}, std::string());
    l.settingsPath = toStd(m_settings->fileName());
    l.settingsFileFound = true;
    const QStringList keys = m_settings->allKeys();
    for (const QString& key : keys) {
        const QVariant v = m_settings->value(key);
        QtIniValue value;
        if (v.metaType().id() == QMetaType::QStringList) {
            value = QtIniValue::stringList(toStdList(v.toStringList()));
        } else if (v.metaType().id() == QMetaType::QByteArray) {
            value = QtIniValue::bytes(v.toByteArray().toStdString());
        } else if (!v.isValid()) {
            value.kind = QtIniValue::Kind::Invalid;
        } else {
            value = QtIniValue::string(toStd(v.toString()));
        }
        l.settingsFile.set(toStd(key), std::move(value));
    }
    return AppSettings::resolve(l);
}

QString Settings::modalEndpoint() const
{
    return value(u"modal/endpoint"_s, QString()).toString();
}
void Settings::setModalEndpoint(const QString& url)
{
    if (store(u"modal/endpoint"_s, url.trimmed()))
        Q_EMIT modalConfigChanged();
}
QString Settings::modalGpuType() const
{
    return value(u"modal/gpuType"_s, QString()).toString();
}
void Settings::setModalGpuType(const QString& gpu)
{
    if (store(u"modal/gpuType"_s, gpu.trimmed()))
        Q_EMIT modalConfigChanged();
}
int Settings::modalTimeoutS() const
{
    return std::clamp(value(u"modal/timeoutS"_s, kDefaultModalTimeoutS).toInt(), kMinModalTimeoutS,
                      kMaxModalTimeoutS);
}
void Settings::setModalTimeoutS(int s)
{
    if (store(u"modal/timeoutS"_s, std::clamp(s, kMinModalTimeoutS, kMaxModalTimeoutS)))
        Q_EMIT modalConfigChanged();
}
QString Settings::modalProxyKey() const
{
    return value(u"modal/proxyKey"_s, QString()).toString();
}
void Settings::setModalProxyKey(const QString& key)
{
    if (store(u"modal/proxyKey"_s, key.trimmed()))
        Q_EMIT modalConfigChanged();
}
QString Settings::modalProxySecret() const
{
    return value(u"modal/proxySecret"_s, QString()).toString();
}
void Settings::setModalProxySecret(const QString& secret)
{
    if (store(u"modal/proxySecret"_s, secret.trimmed()))
        Q_EMIT modalConfigChanged();
}
QString Settings::modalCliPath() const
{
    return value(u"modal/cli"_s, QString()).toString();
}
void Settings::setModalCliPath(const QString& path)
{
    if (store(u"modal/cli"_s, path.trimmed()))
        Q_EMIT modalConfigChanged();
}
QString Settings::ncuPath() const
{
    return value(u"profile/ncu"_s, QString()).toString();
}
void Settings::setNcuPath(const QString& path)
{
    store(u"profile/ncu"_s, path.trimmed());
}
QString Settings::trainingYamlPath() const
{
    return value(u"modal/trainingYaml"_s, QString()).toString();
}
void Settings::setTrainingYamlPath(const QString& path)
{
    if (store(u"modal/trainingYaml"_s, path.trimmed()))
        Q_EMIT modalConfigChanged();
}

bool Settings::proxyTokenFromEnvironment()
{
    SettingLayers env;
    env.environment = childenv::current();
    return AppSettings::resolve(env).modalProxyKey.source == SettingSource::Environment;
}

ModalConfig Settings::modalConfig() const
{
    return appSettings().modalConfig();
}

ModalCliOptions Settings::modalCliOptions() const
{
    return appSettings().modalCliOptions();
}

ModalCli Settings::modalCli() const
{
    return ModalCli(modalCliOptions());
}

QString Settings::defaultHistoryPath() const
{
    return fromStd(HistoryStore::defaultPath());
}
QString Settings::historyPath() const
{
    return value(u"storage/history"_s, defaultHistoryPath()).toString();
}
void Settings::setHistoryPath(const QString& path)
{
    if (store(u"storage/history"_s, path.trimmed().isEmpty() ? defaultHistoryPath() : path.trimmed()))
        Q_EMIT historyPathChanged();
}

int Settings::correctTrials() const
{
    return std::clamp(value(u"defaults/correctTrials"_s, 5).toInt(), 1, 1000);
}
void Settings::setCorrectTrials(int n)
{
    if (store(u"defaults/correctTrials"_s, n))
        Q_EMIT defaultsChanged();
}
int Settings::perfTrials() const
{
    return std::clamp(value(u"defaults/perfTrials"_s, 100).toInt(), 1, 100000);
}
void Settings::setPerfTrials(int n)
{
    if (store(u"defaults/perfTrials"_s, n))
        Q_EMIT defaultsChanged();
}
QString Settings::precision() const
{
    return value(u"defaults/precision"_s, u"fp32"_s).toString();
}
void Settings::setPrecision(const QString& p)
{
    if (store(u"defaults/precision"_s, p))
        Q_EMIT defaultsChanged();
}
double Settings::timeoutS() const
{
    return std::clamp(value(u"defaults/timeoutS"_s, 300.0).toDouble(), 1.0, 86400.0);
}
void Settings::setTimeoutS(double s)
{
    if (store(u"defaults/timeoutS"_s, s))
        Q_EMIT defaultsChanged();
}
QString Settings::backend() const
{
    return value(u"defaults/backend"_s, u"cuda"_s).toString();
}
void Settings::setBackend(const QString& b)
{
    if (store(u"defaults/backend"_s, b))
        Q_EMIT defaultsChanged();
}

QStringList Settings::baselines() const
{
    // Eager is always measured (it is kernel_rl's speedup); compile is the only optional one.
    const QStringList stored = value(u"defaults/baselines"_s, QStringList{u"eager"_s}).toStringList();
    return stored.contains(u"compile"_s) ? QStringList{u"eager"_s, u"compile"_s} : QStringList{u"eager"_s};
}
void Settings::setBaselines(const QStringList& names)
{
    if (store(u"defaults/baselines"_s, names))
        Q_EMIT defaultsChanged();
}
QString Settings::compileMode() const
{
    const QString m = value(u"defaults/compileMode"_s, u"default"_s).toString();
    return m == u"max-autotune-no-cudagraphs"_s ? m : u"default"_s;
}
void Settings::setCompileMode(const QString& mode)
{
    if (store(u"defaults/compileMode"_s, mode))
        Q_EMIT defaultsChanged();
}

Settings::Theme Settings::theme() const
{
    const int t = value(u"ui/theme"_s, 0).toInt();
    return t == 1 ? Theme::Light : t == 2 ? Theme::Dark : Theme::System;
}
void Settings::setTheme(Theme t)
{
    if (store(u"ui/theme"_s, static_cast<int>(t)))
        Q_EMIT themeChanged(t);
}

QString Settings::kernelBenchDir() const
{
    return value(u"submit/kernelBenchDir"_s, QString()).toString();
}
void Settings::setKernelBenchDir(const QString& dir)
{
    if (store(u"submit/kernelBenchDir"_s, dir))
        Q_EMIT kernelBenchDirChanged(dir);
}
QString Settings::lastReferencePath() const
{
    return value(u"submit/lastReference"_s, QString()).toString();
}
void Settings::setLastReferencePath(const QString& path)
{
    store(u"submit/lastReference"_s, path);
}
QString Settings::lastKernelPath() const
{
    return value(u"submit/lastKernel"_s, QString()).toString();
}
void Settings::setLastKernelPath(const QString& path)
{
    store(u"submit/lastKernel"_s, path);
}

QByteArray Settings::windowGeometry() const
{
    return value(u"window/geometry"_s, QByteArray()).toByteArray();
}
QByteArray Settings::windowState() const
{
    return value(u"window/state"_s, QByteArray()).toByteArray();
}
void Settings::setWindowGeometry(const QByteArray& g)
{
    store(u"window/geometry"_s, g);
}
void Settings::setWindowState(const QByteArray& s)
{
    store(u"window/state"_s, s);
}
QString Settings::currentPanel() const
{
    return value(u"window/panel"_s, QString()).toString();
}
void Settings::setCurrentPanel(const QString& id)
{
    store(u"window/panel"_s, id);
}

QByteArray Settings::panelState(const QString& panelId, const QString& part) const
{
    return value(u"panels/"_s + panelId + u'/' + part, QByteArray()).toByteArray();
}
void Settings::setPanelState(const QString& panelId, const QString& part, const QByteArray& state)
{
    store(u"panels/"_s + panelId + u'/' + part, state);
}

void Settings::sync()
{
    m_settings->sync();
}

} // namespace kw::ui
