#pragma once

#include "ui/base/Job.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kw {
class HistoryStore;
class ModalLogFollower;
struct ModalCheck;
} // namespace kw

namespace kw::ui {

class AppContext;
class AppListModel;
class ContainerListModel;
class LogLineModel;

// The Deployment and Troubleshoot panels' way into the core (issue 16): the `modal` commands
// (token, apps, containers, stop), Deploy and Serve of the evaluator app (core/usecase
// ModalDeployment), the followed logs (ModalLogFollower) and the Modal checks (ModalChecks).
// Each command runs on a Job of its own; answers and streamed lines arrive on the UI thread as
// Qt-typed signals, only while this bridge lives. The bridge ends what it started when it goes:
// a deploy is cancelled, `modal serve` stopped (SIGINT, then SIGKILL), the log stream closed, and
// a one-shot command or check in progress killed at once, so closing never waits on the network.
class DeploymentBridge : public QObject
{
    Q_OBJECT
public:
    // A failed `modal` command in words (core ModalDiagnosis).
    struct Problem
    {
        QString summary, fix, detail;
        QString message;        // "summary: fix"
        bool needsUser = false; // no modal client, no token or a rejected one: retrying cannot help
    };
    struct Auth
    {
        bool ok = false;
        QString workspace, tokenId; // when ok
        Problem problem;
    };
    struct Poll
    {
        bool appsOk = false, containersOk = false;
        int apps = 0, containers = 0;
        Problem problem; // of the command that failed
    };
    struct Launch
    {
        bool ok = false;
        bool stopped = false; // serve: ended by stopServing()
        QString endpoint;     // deploy: the web endpoint ("" when none was printed)
        QString summary;      // deploy: what was deployed where
        Problem problem;
    };
    struct Check
    {
        QString id, title, detail, fix;
        bool ok = false, skipped = false;
    };
    struct StreamState
    {
        bool connected = false;
        bool ok = true; // false: the stream failed (problem), else it ended
        double retryInS = 0;
        QString problem;
    };

    explicit DeploymentBridge(AppContext& ctx, QObject* parent = nullptr);
    ~DeploymentBridge() override;

    static QString appName(); // the evaluator app that Deploy, Serve and Follow work on
    static QStringList gpuNames();
    QString configuredGpu() const;      // Settings › Modal over the environment
    QString configuredEndpoint() const; // likewise

    // `modal token info`, `modal app list` then `modal container list`, `modal container stop`.
    void checkAuth();
    bool checkingAuth() const { return m_auth.busy(); }
    // Fills the models with what the poll finds (apps when listed, containers when both are).
    void setListModels(AppListModel* apps, ContainerListModel* containers);
    void poll();
    bool polling() const { return m_poll.busy(); }
    void stopContainer(const QString& id);

    // Checks the GPU type and finds the evaluator's modal_app.py for deploy() or serve(); returns
    // the file, or an empty string with `problem` set.
    QString prepareLaunch(const QString& gpu, int timeoutS, QString* problem);
    void deploy(); // the prepared launch; output lines stream, then deployEnded
    void cancelDeploy();
    void serve(); // likewise until stopServing(), then serveEnded
    void stopServing();
    bool deploying() const { return m_deployStop != nullptr; }
    bool serving() const { return m_serveStop != nullptr; }
    // What a line of `modal deploy/serve` output says: the app's endpoint URL (or empty), and the
    // stage it has reached in words (or empty).
    static QString endpointIn(const QString& line);
    static QString stageIn(const QString& line);

    // Follows the app's logs into `logs`; evaluations found become results in the history store.
    void setLogModel(LogLineModel* logs) { m_logs = logs; }
    void follow();
    void stopFollowing(); // the stream closes off the UI thread
    bool following() const { return m_follower != nullptr; }

    // The Modal troubleshooting checks with Settings › Modal; checked per check, then checksEnded.
    void runChecks();
    bool checking() const { return m_checks.busy(); }

Q_SIGNALS:
    void authChecked(const kw::ui::DeploymentBridge::Auth& auth);
    void polled(const kw::ui::DeploymentBridge::Poll& poll);
    void containerStopped(const QString& id, bool ok, const QString& problem);
    void outputLine(const QString& line);
    void deployEnded(const kw::ui::DeploymentBridge::Launch& launch);
    void serveEnded(const kw::ui::DeploymentBridge::Launch& launch);
    void logLinesComing(); // before lines are appended to the log model
    void logLinesAdded(const QStringList& containerIds);
    void logResults(int found, int newInStore);
    void logStream(const kw::ui::DeploymentBridge::StreamState& state);
    void logError(const QString& message);
    void checked(const kw::ui::DeploymentBridge::Check& check);
    void checksEnded(int failed);

private:
    struct Prepared;
    std::function<void(std::string_view, bool)> outputSink();

    AppContext& m_ctx;
    AppListModel* m_apps = nullptr;
    ContainerListModel* m_containers = nullptr;
    LogLineModel* m_logs = nullptr;
    std::unique_ptr<Prepared> m_prepared;
    // Set when the bridge goes: ends the one-shot commands and checks (their Jobs wait for them).
    std::shared_ptr<std::atomic<bool>> m_closing = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<bool>> m_deployStop;
    std::shared_ptr<std::atomic<bool>> m_serveStop;
    std::shared_ptr<ModalLogFollower> m_follower;
    std::shared_ptr<HistoryStore> m_followStore;
    Job<Auth> m_auth{this};
    Job<Poll> m_poll{this};
    Job<std::pair<bool, QString>> m_stop{this}; // ok, or the problem in words
    Job<Launch> m_deploy{this};
    Job<Launch> m_serve{this};
    Job<bool> m_unfollow{this};
    Job<int> m_checks{this};
};

} // namespace kw::ui
