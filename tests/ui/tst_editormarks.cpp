// The kernel editor points at the compiler's first error (metadata.compile_error_line) and keeps
// its header readable when narrow (issue 13).
#include "ui/submit/EditorPane.h"
#include "ui/widgets/CodeEditor.h"

#include <QLabel>
#include <QtTest>

using namespace kw::ui;

namespace {
QString lines(int n)
{
    QString s;
    for (int i = 1; i <= n; ++i)
        s += QStringLiteral("x%1 = %1\n").arg(i);
    return s;
}

bool lineVisible(CodeEditor* e, int line0)
{
    const int first = e->firstVisibleLine();
    const int onScreen = int(e->SendScintilla(QsciScintilla::SCI_LINESONSCREEN));
    return line0 >= first && line0 < first + onScreen;
}
} // namespace

class TestEditorMarks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void compileErrorLineIsMarkedAndScrolledTo()
    {
        EditorPane pane(QStringLiteral("Kernel"), QStringLiteral("no file"));
        pane.resize(420, 260);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.setText(lines(120));
        CodeEditor* e = pane.editor();
        QVERIFY(!lineVisible(e, 88));
        pane.markErrorLine(89, 5,
                           QStringLiteral("kernel:89:5: error: 'undefined_thing' was not declared\nmore"));
        QCOMPARE(pane.errorLine(), 89);
        QVERIFY(e->markersAtLine(88) & (1u << EditorPane::kErrorMarker));
        QCOMPARE(e->markersAtLine(87) & (1u << EditorPane::kErrorMarker), 0u);
        QVERIFY(e->marginWidth(1) > 0);
        const long pos = e->positionFromLineIndex(88, 2);
        QVERIFY(e->SendScintilla(QsciScintilla::SCI_INDICATORVALUEAT, EditorPane::kErrorIndicator, pos) != 0);
        const long other = e->positionFromLineIndex(10, 2);
        QCOMPARE(e->SendScintilla(QsciScintilla::SCI_INDICATORVALUEAT, EditorPane::kErrorIndicator, other),
                 0L);
        QVERIFY(e->annotation(88).contains(QStringLiteral("undefined_thing")));
        QVERIFY(!e->annotation(88).contains(QStringLiteral("more"))); // the first line only
        QVERIFY(lineVisible(e, 88));
        int line = -1, index = -1;
        e->getCursorPosition(&line, &index);
        QCOMPARE(line, 88);
        QCOMPARE(index, 4);
        QCOMPARE(e->SendScintilla(QsciScintilla::SCI_GETXOFFSET), 0L); // the line shown from its start

        // Any edit clears it: the line number no longer holds.
        e->insertAt(QStringLiteral("# edit\n"), 0, 0);
        QCOMPARE(pane.errorLine(), 0);
        QCOMPARE(e->markersAtLine(89) & (1u << EditorPane::kErrorMarker), 0u);
        QCOMPARE(e->markerFindNext(0, 1 << EditorPane::kErrorMarker), -1);
        QCOMPARE(e->marginWidth(1), 0);
        QVERIFY(e->annotation(89).isEmpty());

        // So does new text, and a line outside the text marks nothing.
        pane.markErrorLine(3, 0, QString());
        QCOMPARE(pane.errorLine(), 3);
        pane.setText(lines(5));
        QCOMPARE(pane.errorLine(), 0);
        pane.markErrorLine(40, 1, QStringLiteral("kernel:40:1: error"));
        QCOMPARE(pane.errorLine(), 0);
    }

    void narrowHeaderElidesInTheMiddle()
    {
        EditorPane pane(QStringLiteral("Kernel"), QStringLiteral("no file"));
        pane.setText(QStringLiteral("x = 1\n"), QStringLiteral(":/samples/relu_kernel.py"));
        pane.editor()->insertAt(QStringLiteral("# my edit\n"), 0, 0);
        const QString full = pane.headerText();
        QCOMPARE(full, QStringLiteral("relu_kernel.py \u2022"));
        pane.resize(900, 300);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QTRY_COMPARE(pane.shownHeaderText(), full); // wide: all of it
        pane.resize(200, 300);                      // narrower than an editor in the window at 1024 × 700
        QTRY_VERIFY(pane.shownHeaderText() != full &&
                    pane.shownHeaderText().endsWith(QStringLiteral(".py \u2022")));
        const QString shown = pane.shownHeaderText();
        QVERIFY2(shown.contains(QChar(0x2026)), qPrintable(shown)); // …
        QVERIFY2(shown.startsWith(QStringLiteral("r")) && shown.endsWith(QStringLiteral(".py \u2022")),
                 qPrintable(shown));
        auto* label = pane.findChild<QLabel*>(QStringLiteral("pathLabel"));
        QVERIFY(label);
        QVERIFY2(label->fontMetrics().horizontalAdvance(shown) <= label->width(), qPrintable(shown));
        QVERIFY(pane.headerToolTip().contains(QStringLiteral("Built-in sample relu_kernel.py")));
    }
};

QTEST_MAIN(TestEditorMarks)
#include "tst_editormarks.moc"
