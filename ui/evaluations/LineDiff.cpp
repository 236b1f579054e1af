#include "ui/evaluations/LineDiff.h"

#include <algorithm>
#include <cstdint>

namespace kw::ui {

std::vector<LineDiff::Line> LineDiff::diff(const QStringList& a, const QStringList& b)
{
    const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
    int head = 0;
    while (head < n && head < m && a[head] == b[head])
        ++head;
    int tail = 0;
    while (tail < n - head && tail < m - head && a[n - 1 - tail] == b[m - 1 - tail])
        ++tail;
    const int an = n - head - tail, bn = m - head - tail;

    std::vector<Line> out;
    out.reserve(static_cast<std::size_t>(std::max(n, m) + std::min(an, bn)));
    for (int i = 0; i < head; ++i)
        out.push_back({Op::Equal, i, i});

    const auto cells = static_cast<std::int64_t>(an + 1) * (bn + 1);
    if (an > 0 && bn > 0 && cells <= (16 << 20)) {
        // lcs[i][j] = LCS length of a[head+i..] and b[head+j..]
        std::vector<std::uint32_t> lcs(static_cast<std::size_t>(cells), 0);
        auto at = [&](int i, int j) -> std::uint32_t& {
            return lcs[static_cast<std::size_t>(i) * (bn + 1) + j];
        };
        for (int i = an - 1; i >= 0; --i)
            for (int j = bn - 1; j >= 0; --j)
                at(i, j) =
                    a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        int i = 0, j = 0;
        while (i < an && j < bn) {
            if (a[head + i] == b[head + j]) {
                out.push_back({Op::Equal, head + i, head + j});
                ++i;
                ++j;
            } else if (at(i + 1, j) >= at(i, j + 1)) {
                out.push_back({Op::Delete, head + i, -1});
                ++i;
            } else {
                out.push_back({Op::Insert, -1, head + j});
                ++j;
            }
        }
        for (; i < an; ++i)
            out.push_back({Op::Delete, head + i, -1});
        for (; j < bn; ++j)
            out.push_back({Op::Insert, -1, head + j});
    } else {
        for (int i = 0; i < an; ++i)
            out.push_back({Op::Delete, head + i, -1});
        for (int j = 0; j < bn; ++j)
            out.push_back({Op::Insert, -1, head + j});
    }
    for (int k = 0; k < tail; ++k)
        out.push_back({Op::Equal, n - tail + k, m - tail + k});
    return out;
}

std::vector<LineDiff::Row> LineDiff::sideBySide(const std::vector<Line>& lines)
{
    std::vector<Row> rows;
    std::size_t k = 0;
    while (k < lines.size()) {
        if (lines[k].op == Op::Equal) {
            rows.push_back({lines[k].left, lines[k].right, false});
            ++k;
            continue;
        }
        // A block of deletes and inserts: pair them up row by row.
        std::vector<int> del, ins;
        while (k < lines.size() && lines[k].op != Op::Equal) {
            if (lines[k].op == Op::Delete)
                del.push_back(lines[k].left);
            else
                ins.push_back(lines[k].right);
            ++k;
        }
        const std::size_t len = std::max(del.size(), ins.size());
        for (std::size_t r = 0; r < len; ++r)
            rows.push_back({r < del.size() ? del[r] : -1, r < ins.size() ? ins[r] : -1, true});
    }
    return rows;
}

int LineDiff::changedLines(const std::vector<Line>& lines)
{
    return static_cast<int>(
        std::count_if(lines.begin(), lines.end(), [](const Line& l) { return l.op != Op::Equal; }));
}

} // namespace kw::ui
