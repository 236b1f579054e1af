#include "ui/services/HistoryExporter.h"

#include "core/modal/ModalSecrets.h"
#include "core/model/HistoryStore.h"
#include "core/model/ResultExport.h"
#include "ui/base/QtStd.h"

#include <QObject>
#include <QSaveFile>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kw::ui {

HistoryExporter::Format HistoryExporter::formatForPath(const QString& path)
{
    return path.endsWith(u".csv"_s, Qt::CaseInsensitive) ? Format::Csv : Format::Jsonl;
}

HistoryExporter::Outcome HistoryExporter::run(const HistoryStore& store, std::vector<std::int64_t> rowIds,
                                              Format format, const QString& path,
                                              const std::atomic<bool>* cancel)
{
    Outcome out;
    std::sort(rowIds.begin(), rowIds.end());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        out.error = QObject::tr("Cannot write %1: %2. Choose another folder.").arg(path, file.errorString());
        return out;
    }
    const std::vector<std::string> secrets = kw::modalSecretsFromEnvironment();
    auto write = [&file, &secrets](const std::string& s) {
        const std::string clean = kw::redactModalSecrets(s, secrets);
        return file.write(clean.data(), static_cast<qint64>(clean.size())) ==
               static_cast<qint64>(clean.size());
    };
    if (format == Format::Csv && !write(kw::exportfmt::csvHeader())) {
        out.error = QObject::tr("Writing %1 failed: %2").arg(path, file.errorString());
        return out;
    }
    constexpr std::size_t kPage = 2000;
    std::size_t next = 0; // next wanted rowId index
    try {
        while (next < rowIds.size()) {
            if (cancel && cancel->load()) {
                file.cancelWriting();
                out.error = QObject::tr("Export cancelled.");
                return out;
            }
            HistoryQuery q;
            q.afterRowId = rowIds[next] - 1;
            q.newestFirst = false;
            q.limit = kPage;
            const std::vector<HistoryRow> rows = store.rows(q);
            if (rows.empty())
                break;
            // Same query, same rows, same order. CSV needs them for the error and the interval.
            const std::vector<EvalResult> results = store.results(q);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const HistoryRow& r = rows[i];
                while (next < rowIds.size() && rowIds[next] < r.rowId)
                    ++next; // vanished from the store
                if (next >= rowIds.size())
                    break;
                if (rowIds[next] != r.rowId)
                    continue;
                ++next;
                bool ok = true;
                if (format == Format::Csv) {
                    const bool same = i < results.size() && results[i].id == r.id;
                    ok = write(kw::exportfmt::csvRow(r, same ? &results[i] : nullptr));
                } else if (i < results.size() && results[i].id == r.id) {
                    if (format == Format::Jsonl)
                        ok = write(kw::exportfmt::jsonlLine(results[i]));
                    else
                        ok = write(kw::toJson(results[i], true)
                                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                                   "\n");
                } else {
                    continue;
                }
                if (!ok) {
                    out.error = QObject::tr("Writing %1 failed: %2").arg(path, file.errorString());
                    file.cancelWriting();
                    return out;
                }
                ++out.written;
            }
        }
    } catch (const std::exception& e) {
        file.cancelWriting();
        out.error = QObject::tr("Reading the history store failed: %1").arg(qs(e.what()));
        return out;
    }
    if (!file.commit())
        out.error = QObject::tr("Saving %1 failed: %2").arg(path, file.errorString());
    return out;
}

} // namespace kw::ui
