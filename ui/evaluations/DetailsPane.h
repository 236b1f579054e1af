#pragma once

#include "core/model/EvalResult.h"
#include "ui/base/MetaTypes.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace kw::ui {

class AppContext;
class CodeEditor;
class ProfileView;
class ResultCard;

// Everything about one evaluation, loaded from the store only when its row is opened:
// the result card, kernel and reference code, the log tail and the raw JSON.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPane(AppContext& ctx, QWidget* parent = nullptr);
    ~DetailsPane() override;

    void showRow(std::int64_t rowId); // async; a newer request supersedes an older one
    void clear(const QString& message);
    const std::optional<EvalResult>& current() const { return m_current; }
    bool loading() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void loaded(qint64 rowId, const kw::EvalResult& result);

private:
    struct Loaded
    {
        std::int64_t rowId = 0;
        std::optional<EvalResult> result;
        QString error;
    };
    void start(std::int64_t rowId);
    void onLoaded();

    AppContext& m_ctx;
    QLabel* m_header;
    QTabWidget* m_tabs;
    ResultCard* m_card;
    CodeEditor* m_kernel;
    CodeEditor* m_reference;
    QPlainTextEdit* m_log;
    QPlainTextEdit* m_json;
    ProfileView* m_profile;
    QFutureWatcher<Loaded> m_watcher;
    std::int64_t m_wanted = 0;
    std::optional<EvalResult> m_current;
};

} // namespace kw::ui
