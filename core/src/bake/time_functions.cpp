// bake's time functions: timestamp() (now, in UTC, as RFC 3339), formatdate(SPEC, TIMESTAMP)
// (HCL's), formattimestamp(SPEC, TIMESTAMP or UNIX SECONDS) and homedir() (buildx's). A
// timestamp is RFC 3339 text as Go reads it: 2006-01-02T15:04:05Z or with +07:00, fractions of
// a second allowed and dropped.
#include "bake/function_arguments.hpp"

#include <chrono>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace lading::bake {

namespace {

struct timestamp {
    std::int64_t year = 1970;
    int month = 1, day = 1, hour = 0, minute = 0, second = 0;
    int offset_minutes = 0;  // east of UTC
};

// Days from 1970-01-01 to the given date of the proleptic Gregorian calendar.
std::int64_t days_from_civil(std::int64_t y, int m, int d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto year_of_era = y - era * 400;
    const auto day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const auto day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

timestamp civil_from_seconds(std::int64_t seconds)
{
    auto days = seconds / 86400;
    auto rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = days - era * 146097;
    const auto year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const auto day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const auto mp = (5 * day_of_year + 2) / 153;
    timestamp t;
    t.day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
    t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    t.year = year_of_era + era * 400 + (t.month <= 2);
    t.hour = static_cast<int>(rest / 3600);
    t.minute = static_cast<int>(rest / 60 % 60);
    t.second = static_cast<int>(rest % 60);
    return t;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

std::string two_digits(std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string rfc3339(const timestamp& t)
{
    std::string y = std::to_string(t.year);
    if (y.size() < 4) y = std::string(4 - y.size(), '0') + y;
    return y + "-" + two_digits(t.month) + "-" + two_digits(t.day) + "T" + two_digits(t.hour) + ":" +
           two_digits(t.minute) + ":" + two_digits(t.second) + "Z";
}

timestamp parse_rfc3339(const arguments& a, const std::string& text)
{
    std::size_t at = 0;
    auto bad = [&](const std::string& what) -> void { a.fail("not a valid RFC3339 timestamp: " + what + " in \"" + text + "\""); };
    auto digits = [&](std::size_t n, const char* what) {
        int v = 0;
        for (std::size_t i = 0; i < n; ++i, ++at) {
            if (at >= text.size() || text[at] < '0' || text[at] > '9') bad(std::string("expected the ") + what);
            v = v * 10 + (text[at] - '0');
        }
        return v;
    };
    auto literal = [&](char c, const char* what) {
        if (at >= text.size() || text[at] != c) bad(std::string("expected ") + what);
        ++at;
    };
    timestamp t;
    t.year = digits(4, "year");
    literal('-', "\"-\" after the year");
    t.month = digits(2, "month");
    literal('-', "\"-\" after the month");
    t.day = digits(2, "day");
    literal('T', "\"T\" after the date");
    t.hour = digits(2, "hour");
    literal(':', "\":\" after the hour");
    t.minute = digits(2, "minute");
    literal(':', "\":\" after the minute");
    t.second = digits(2, "second");
    if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
        ++at;
        const auto start = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
        if (at == start) bad("expected digits after the decimal point");
    }
    if (at < text.size() && text[at] == 'Z') {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const int sign = text[at++] == '-' ? -1 : 1;
        const int hours = digits(2, "offset's hours");
        literal(':', "\":\" in the offset");
        const int minutes = digits(2, "offset's minutes");
        if (hours > 23 || minutes > 59) bad("an offset out of range");
        t.offset_minutes = sign * (hours * 60 + minutes);
    } else {
        bad("expected \"Z\" or an offset after the time");
    }
    if (at != text.size()) bad("extra text after the timestamp");
    if (t.month < 1 || t.month > 12) bad("month out of range");
    if (t.day < 1 || t.day > days_in_month(t.year, t.month)) bad("day out of range");
    if (t.hour > 23) bad("hour out of range");
    if (t.minute > 59) bad("minute out of range");
    if (t.second > 59) bad("second out of range");
    return t;
}

std::int64_t unix_seconds(const timestamp& t)
{
    return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
           t.offset_minutes * 60;
}

std::string offset_text(const timestamp& t, bool colon)
{
    const int m = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    return std::string(t.offset_minutes < 0 ? "-" : "+") + two_digits(m / 60) + (colon ? ":" : "") + two_digits(m % 60);
}

// HCL's formatdate: runs of one letter are fields (YYYY, MM, DD, EEEE, hh, mm, ss, ZZZZZ...),
// 'text' is literal ('' a quote), anything else is copied.
std::string format_date(const arguments& a, const std::string& spec, const timestamp& t)
{
    static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
    static const char* weekdays[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};
    auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    std::string out;
    for (std::size_t i = 0; i < spec.size();) {
        const char c = spec[i];
        if (c == '\'') {
            if (i + 1 < spec.size() && spec[i + 1] == '\'') {
                out += '\'';
                i += 2;
                continue;
            }
            std::size_t j = i + 1;
            std::string text;
            for (; j < spec.size(); ++j) {
                if (spec[j] != '\'') {
                    text += spec[j];
                } else if (j + 1 < spec.size() && spec[j + 1] == '\'') {
                    text += '\'';
                    ++j;
                } else {
                    break;
                }
            }
            if (j >= spec.size()) a.fail("unterminated literal '");
            out += text;
            i = j + 1;
            continue;
        }
        if (!is_letter(c)) {
            out += c;
            ++i;
            continue;
        }
        std::size_t n = 1;
        while (i + n < spec.size() && spec[i + n] == c) ++n;
        const std::string verb = spec.substr(i, n);
        i += n;
        auto invalid = [&](const std::string& why) { a.fail("invalid date format verb \"" + verb + "\"" + why); };
        auto number = [&](std::int64_t v) {
            if (n == 1)
                out += std::to_string(v);
            else if (n == 2)
                out += two_digits(v);
            else
                invalid("");
        };
        switch (c) {
        case 'Y':
            if (n == 2)
                out += two_digits(((t.year % 100) + 100) % 100);
            else if (n == 4)
                out += (t.year < 1000 ? std::string(4 - std::to_string(t.year).size(), '0') : "") + std::to_string(t.year);
            else
                invalid(": year must either be \"YY\" or \"YYYY\"");
            break;
        case 'M':
            if (n <= 2)
                number(t.month);
            else if (n == 3)
                out += std::string(months[t.month - 1]).substr(0, 3);
            else if (n == 4)
                out += months[t.month - 1];
            else
                invalid(": month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"");
            break;
        case 'D': number(t.day); break;
        case 'E': {
            const auto day = ((days_from_civil(t.year, t.month, t.day) % 7) + 7) % 7;
            if (n == 3)
                out += std::string(weekdays[day]).substr(0, 3);
            else if (n == 4)
                out += weekdays[day];
            else
                invalid(": day of week must either be \"EEE\" or \"EEEE\"");
            break;
        }
        case 'h': number(t.hour); break;
        case 'H': number(t.hour % 12 == 0 ? 12 : t.hour % 12); break;
        case 'A':
        case 'a':
            if (n != 2) invalid("");
            out += t.hour < 12 ? (c == 'A' ? "AM" : "am") : (c == 'A' ? "PM" : "pm");
            break;
        case 'm': number(t.minute); break;
        case 's': number(t.second); break;
        case 'Z':
            if (n == 1)
                out += t.offset_minutes == 0 ? "Z" : offset_text(t, true);
            else if (n == 3)
                out += t.offset_minutes == 0 ? "UTC" : offset_text(t, false);
            else if (n == 4)
                out += offset_text(t, false);
            else if (n == 5)
                out += offset_text(t, true);
            else
                invalid(": timezone must be Z, ZZZZ, or ZZZZZ");
            break;
        default: invalid("");
        }
    }
    return out;
}

json_node formattimestamp(const arguments& a)
{
    a.expect(2);
    const auto spec = a.text(0);
    const auto& time = a.at(1);
    timestamp t;
    if (time.type == json_node::kind::number) {
        t = civil_from_seconds(a.whole_number(1));
    } else if (time.is_string()) {
        t = parse_rfc3339(a, time.text);
    } else {
        a.fail("argument 2 must be a string timestamp or a unix timestamp number");
    }
    if (spec == "X") return string_node(std::to_string(unix_seconds(t)));
    return string_node(format_date(a, spec, t));
}

std::string home_directory()
{
    if (const char* home = std::getenv("HOME"); home && *home) return home;
    if (const auto* entry = getpwuid(getuid()); entry && entry->pw_dir) return entry->pw_dir;
    return "/";
}

}  // namespace

void add_time_functions(function_table& table)
{
    table.insert({
        {"timestamp",
         [](const arguments& a) {
             a.expect(0);
             const auto now = std::chrono::system_clock::now().time_since_epoch();
             return string_node(rfc3339(civil_from_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count())));
         }},
        {"formatdate",
         [](const arguments& a) {
             a.expect(2);
             const auto spec = a.text(0);
             return string_node(format_date(a, spec, parse_rfc3339(a, a.text(1))));
         }},
        {"formattimestamp", formattimestamp},
        {"homedir",
         [](const arguments& a) {
             a.expect(0);
             return string_node(home_directory());
         }},
    });
}

}  // namespace lading::bake
