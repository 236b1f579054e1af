#pragma once

// QScintilla's headers use the `signals` and `slots` keywords, which QT_NO_KEYWORDS removes.
// Include QScintilla only through this header.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexerpython.h>
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots
