#pragma once
// QCOMPARE support for kernelwatch types: include in tests that compare them.

#include "core/model/EvalStatus.h"
#include "core/model/Evaluator.h"

#include <QtTest>
#include <optional>
#include <string>

namespace QTest {
template <> inline char* toString(const kw::EvalStatus& s)
{
    return qstrdup(std::string(kw::statusName(s)).c_str());
}
template <> inline char* toString(const kw::EvalStage& s)
{
    return qstrdup(std::string(kw::stageName(s)).c_str());
}
template <> inline char* toString(const std::string& s)
{
    return qstrdup(s.c_str());
}
template <> inline char* toString(const std::optional<kw::EvalStatus>& s)
{
    return qstrdup(s ? std::string(kw::statusName(*s)).c_str() : "nullopt");
}
} // namespace QTest
