#pragma once

#include <QStringList>

#include <vector>

namespace kw::ui {

// Line-based diff for comparing two kernels side by side.
class LineDiff
{
public:
    enum class Op
    {
        Equal,
        Delete,
        Insert
    };
    struct Line
    {
        Op op;
        int left = -1;  // line index in a (Equal, Delete)
        int right = -1; // line index in b (Equal, Insert)
    };
    // A row of a side-by-side view: one or both sides; a changed pair shares a row.
    struct Row
    {
        int left = -1, right = -1;
        bool changed = false;
    };

    // Longest-common-subsequence diff after trimming the common head and tail; inputs whose
    // differing middles are too large for the table (> 16M cells) degrade to delete+insert.
    static std::vector<Line> diff(const QStringList& a, const QStringList& b);
    static std::vector<Row> sideBySide(const std::vector<Line>& lines);
    static int changedLines(const std::vector<Line>& lines);
};

} // namespace kw::ui
