#pragma once

// qcustomplot.h uses the `signals`, `slots` and `foreach` keywords, which QT_NO_KEYWORDS
// removes. Include QCustomPlot only through this header.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef foreach
