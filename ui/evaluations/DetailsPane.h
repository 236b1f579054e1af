#pragma once

#include "core/model/EvalResult.h"
#include "ui/base/MetaTypes.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace kw::ui {

class AppContext;
class CodeEditor;
class EvaluationsBridge;
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
    bool loading() const;

Q_SIGNALS:
    void loaded(qint64 rowId, const kw::EvalResult& result);

private:
    void start(std::int64_t rowId);
    void onLoaded(std::int64_t rowId, const std::optional<EvalResult>& result, const QString& error);

    EvaluationsBridge* m_bridge;
    QLabel* m_header;
    QTabWidget* m_tabs;
    ResultCard* m_card;
    CodeEditor* m_kernel;
    CodeEditor* m_reference;
    QPlainTextEdit* m_log;
    QPlainTextEdit* m_json;
    ProfileView* m_profile;
    std::optional<EvalResult> m_current;
};

} // namespace kw::ui
