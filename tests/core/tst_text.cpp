#include "core/base/Text.h"

#include <QtTest>

using namespace kw;

class TestText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void trim()
    {
        QCOMPARE(text::trim(""), std::string_view());
        QCOMPARE(text::trim(" \t\r\n\v\f"), std::string_view());
        QCOMPARE(text::trim("  a b \r"), std::string_view("a b"));
        QCOMPARE(text::trim("\xe2\x94\x82 x"), std::string_view("\xe2\x94\x82 x")); // UTF-8 is not space
        const std::string_view s = "  kept  ";
        const std::string_view t = text::trim(s);
        QCOMPARE(t.data(), s.data() + 2); // a view into the input, nothing copied
        QCOMPARE(t.size(), std::size_t(4));
    }

    void asciiLower()
    {
        QCOMPARE(text::asciiLower("Modal TOKEN 401 É"), std::string("modal token 401 É"));
        QCOMPARE(text::asciiLower(""), std::string());
        QCOMPARE(text::asciiLower("[@`{"), std::string("[@`{")); // neighbours of A-Z / a-z untouched
    }
};

QTEST_GUILESS_MAIN(TestText)
#include "tst_text.moc"
