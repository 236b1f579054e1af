#pragma once

#include "core/model/EvalResult.h"
#include "core/model/Evaluator.h"

#include <QMetaType>

Q_DECLARE_METATYPE(kw::EvalResult)
Q_DECLARE_METATYPE(kw::EvalRequest)
Q_DECLARE_METATYPE(kw::EvalStage)
