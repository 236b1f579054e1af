#include "core/modal/ModalLineBuffer.h"

namespace kw {

ModalLineBuffer::ModalLineBuffer(LineFn onLine, std::size_t maxLine)
    : m_onLine(std::move(onLine)), m_maxLine(maxLine == 0 ? 1 : maxLine)
{
}

void ModalLineBuffer::feed(std::string_view data)
{
    while (!data.empty()) {
        const auto nl = data.find('\n');
        const std::string_view part = data.substr(0, nl);
        if (!m_dropping) {
            const std::size_t room = m_maxLine - m_pending.size();
            if (part.size() > room) {
                m_pending.append(part.substr(0, room));
                m_onLine(m_pending, true);
                m_pending.clear();
                m_dropping = true;
            } else {
                m_pending.append(part);
            }
        }
        if (nl == std::string_view::npos)
            return;
        if (!m_dropping) {
            if (!m_pending.empty() && m_pending.back() == '\r')
                m_pending.pop_back();
            m_onLine(m_pending, false);
        }
        m_pending.clear();
        m_dropping = false;
        data.remove_prefix(nl + 1);
    }
}

void ModalLineBuffer::finish()
{
    if (!m_dropping && !m_pending.empty()) {
        if (m_pending.back() == '\r')
            m_pending.pop_back();
        m_onLine(m_pending, false);
    }
    m_pending.clear();
    m_dropping = false;
}

} // namespace kw
