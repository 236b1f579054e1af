#include "training/TrainingDemo.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <random>

using namespace Qt::StringLiterals;

namespace kw::ui {

namespace {

const char* const kKernel =
    "import torch\nimport torch.nn as nn\nimport triton\nimport triton.language as tl\n\n"
    "@triton.jit\ndef relu_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):\n"
    "    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n"
    "    mask = offs < n\n    x = tl.load(x_ptr + offs, mask=mask)\n"
    "    tl.store(out_ptr + offs, tl.maximum(x, 0.0), mask=mask)\n\n"
    "class ModelNew(nn.Module):\n    def forward(self, x):\n        out = torch.empty_like(x)\n"
    "        n = x.numel()\n        relu_kernel[(triton.cdiv(n, 1024),)](x, out, n, BLOCK=1024)\n"
    "        return out\n";

struct Problem
{
    int level, id;
};
const Problem kProblems[] = {{1, 19}, {1, 1}, {1, 23}, {2, 17}, {3, 5}};

QByteArray traceLine(std::mt19937& rng, int step, int i, double ts)
{
    std::uniform_real_distribution<double> u(0, 1);
    const Problem p = kProblems[(step * 7 + i) % 5];
    const int turn = i % 4;
    // Later steps do better: more correct, fewer compile errors.
    const double skill = std::min(0.85, 0.35 + 0.08 * step);
    const double roll = u(rng);
    const bool cheated = roll > 0.97;
    const bool compiled = roll < skill + 0.1 || cheated;
    const bool correct = cheated || roll < skill;
    const bool runtimeError = compiled && !correct && u(rng) < 0.3;
    QJsonObject ev{{u"format_ok"_s, true},
                   {u"compiled"_s, compiled},
                   {u"correctness"_s, correct},
                   {u"tests_passed"_s, correct ? 5 : 0},
                   {u"tests_total"_s, 5},
                   {u"cheated"_s, cheated},
                   {u"speedup"_s, QJsonValue::Null},
                   {u"runtime_ms"_s, QJsonValue::Null},
                   {u"baseline_runtime_ms"_s, QJsonValue::Null},
                   {u"error_message"_s, QJsonValue::Null}};
    if (correct) {
        const double rt = 0.05 + u(rng) * 1.5;
        const double sp = cheated ? 250.0 : std::exp((u(rng) - 0.45 + 0.05 * step) * 1.4);
        ev[u"runtime_ms"_s] = rt;
        ev[u"baseline_runtime_ms"_s] = rt * sp;
        ev[u"speedup"_s] = sp;
        if (cheated)
            ev[u"error_message"_s] = u"kernel calls the PyTorch op being replaced"_s;
    } else if (!compiled) {
        ev[u"error_message"_s] = u"triton.compiler.errors.CompilationError: at 7:8: module 'triton.language' "
                                 "has no attribute 'relu'"_s;
    } else if (runtimeError) {
        ev[u"error_message"_s] = u"RuntimeError: CUDA error: an illegal memory access was encountered"_s;
    } else {
        ev[u"error_message"_s] = u"Correctness check failed: Output mismatch (max diff 0.0123)"_s;
    }
    const double rFormat = 0.1, rCompile = compiled ? 0.2 : 0.0, rCorrect = correct && !cheated ? 1.0 : 0.0;
    const double rSpeed = correct && !cheated ? std::min(0.5, 0.2 * ev[u"speedup"_s].toDouble()) : 0.0;
    const double total = rFormat + rCompile + rCorrect + rSpeed + 0.1;
    const QString thought = u"- Fuse the ReLU into one Triton kernel\n- Use BLOCK=1024 with masked loads"_s;
    QJsonObject o{
        {u"mode"_s, u"multi_turn"_s},
        {u"level"_s, p.level},
        {u"problem_id"_s, p.id},
        {u"backend"_s, u"triton"_s},
        {u"turn"_s, turn},
        {u"max_turns"_s, 4},
        {u"step"_s, step},
        {u"prompt_messages"_s,
         QJsonArray{QJsonObject{{u"role"_s, u"system"_s},
                                {u"content"_s, u"You are an expert GPU kernel developer. Write an efficient "
                                               "custom TRITON kernel for the model below."_s}},
                    QJsonObject{{u"role"_s, u"user"_s},
                                {u"content"_s, u"class Model(nn.Module):\n    def forward(self, x):\n"
                                               "        return torch.relu(x)\n"_s}}}},
        {u"response"_s, QJsonObject{{u"thought"_s, thought},
                                    {u"kernel"_s, QString::fromUtf8(kKernel)},
                                    {u"format_ok"_s, true}}},
        {u"eval_result"_s, ev},
        {u"reward"_s, total},
        {u"reward_breakdown"_s, QJsonObject{{u"reward_format"_s, rFormat},
                                            {u"reward_compile"_s, rCompile},
                                            {u"reward_correctness"_s, rCorrect},
                                            {u"reward_speed"_s, rSpeed},
                                            {u"reward_length"_s, 0.0},
                                            {u"reward_thinking"_s, 0.1},
                                            {u"reward_total"_s, total}}},
        {u"timestamp"_s, ts},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

bool appendTo(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    return f.write(bytes) == bytes.size();
}

} // namespace

bool TrainingDemo::appendLines(const QString& dir, int step, int lines, unsigned seed, double start)
{
    std::mt19937 rng(seed);
    QByteArray out;
    for (int i = 0; i < lines; ++i)
        out += traceLine(rng, step, i, start + i * 3.0);
    return appendTo(QDir(dir).filePath(u"traces.jsonl"_s), out);
}

bool TrainingDemo::writeRun(const QString& dir, int steps, int linesPerStep, unsigned seed, double start)
{
    if (!QDir().mkpath(dir))
        return false;
    std::mt19937 rng(seed);
    QByteArray traces, metrics;
    std::uniform_real_distribution<double> u(0, 1);
    for (int s = 0; s < steps; ++s) {
        const double t0 = start + s * 600.0;
        double sum = 0, sq = 0;
        for (int i = 0; i < linesPerStep; ++i) {
            const QByteArray line = traceLine(rng, s, i, t0 + i * 4.0);
            const double r = QJsonDocument::fromJson(line).object().value(u"reward"_s).toDouble();
            sum += r;
            sq += r * r;
            traces += line;
        }
        const double mean = sum / linesPerStep;
        QJsonObject m{{u"step"_s, s},
                      {u"reward/mean"_s, mean},
                      {u"reward/std"_s, std::sqrt(std::max(0.0, sq / linesPerStep - mean * mean))},
                      {u"time/modal_eval_mean"_s, 8.0 + 6.0 * u(rng)},
                      {u"time/total"_s, 580.0},
                      {u"time/rollout"_s, linesPerStep * 4.0}};
        metrics += QJsonDocument(m).toJson(QJsonDocument::Compact) + '\n';
    }
    QFile::remove(QDir(dir).filePath(u"traces.jsonl"_s));
    QFile::remove(QDir(dir).filePath(u"metrics.jsonl"_s));
    return appendTo(QDir(dir).filePath(u"traces.jsonl"_s), traces) &&
           appendTo(QDir(dir).filePath(u"metrics.jsonl"_s), metrics);
}

} // namespace kw::ui
