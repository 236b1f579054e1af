#pragma once

#include "core/model/HistoryStore.h"
#include "ui/services/AppContext.h"

#include <QString>
#include <QTemporaryDir>

#include <random>
#include <string>
#include <vector>

namespace kw::ui::test {

// An application context kept in `dir` (settings and history there), without background services.
inline AppContext::Options quietContext(const QTemporaryDir& dir)
{
    AppContext::Options o;
    o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    o.historyPath = dir.filePath(QStringLiteral("history.sqlite"));
    o.startServices = false;
    return o;
}

// Light rows with chosen fields, for model tests.
inline HistoryRow row(std::int64_t rowId, const std::string& problem, EvalStatus status, double createdAt,
                      const std::string& source = "run", std::optional<double> speedup = std::nullopt)
{
    HistoryRow r;
    r.rowId = rowId;
    r.id = "r" + std::to_string(rowId);
    r.problem = problem;
    r.status = status;
    r.createdAt = createdAt;
    r.source = source;
    r.backend = "cuda";
    r.target = "local";
    r.gpu = "H100";
    r.durationS = 2;
    r.speedup = speedup;
    return r;
}

inline bool torchAvailable(const char* python = "/usr/bin/python3")
{
    const std::string cmd = std::string(python) + " -c 'import torch' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

} // namespace kw::ui::test
