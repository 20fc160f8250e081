/* lexica.c - the lexica layer (see lexica.h). A prompt library such as
 * Lexica's shows that SD 1.x pictures gain most from a few modifiers that
 * name the light and the kind of place; the scene writer already names the
 * things, so each rule here maps words of the English scene to one
 * modifier. The vocabulary is ours, kept short and general: rules are tried
 * in order (light and weather before place, as they change a picture most)
 * and each modifier is used once. */
#include "lexica.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *words;    /* space-separated triggers, whole words of the scene */
    const char *modifier;
} rule;

static const rule rules[] = {
    {"storm thunder lightning tempest gale blizzard", "stormy sky, dramatic clouds"},
    {"night midnight moonlight starlight moon stars", "moonlit night, deep blue shadows"},
    {"candle candles candlelight lamp lamplight lantern firelight hearth fireplace", "candlelight, warm glow"},
    {"fog mist haze", "misty atmosphere"},
    {"snow frost winter ice", "snowy landscape, cold light"},
    {"rain rainy", "rain, wet reflections"},
    {"dawn sunrise daybreak morning", "soft morning light"},
    {"sunset dusk twilight evening nightfall", "golden hour, sunset glow"},
    {"sea ocean waves wave shore beach ship harbor harbour", "seascape, sea breeze"},
    {"river stream brook creek riverbank raft canoe steamboat", "riverside"},
    {"forest woods wood trees woodland grove", "deep forest, dappled light"},
    {"mountain mountains hill hills cliff valley", "sweeping landscape"},
    {"interior", "interior scene, soft indoor light"},
    {"church cathedral chapel", "vaulted interior"},
    {"village town street streets sidewalk", "small town street"},
    {"desert sand dunes", "desert landscape, heat haze"},
};

static int has_word(const char *s, const char *w, size_t n)
{
    for (const char *p = s; (p = strstr(p, w)) != NULL; p++) {
        int l = p == s || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'));
        char c = p[n];
        int r = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        if (l && r)
            return 1;
    }
    return 0;
}

size_t ls_lexica_pick(const char *scene, const char *out[LS_LEXICA_MAX])
{
    size_t n = 0;
    if (!scene)
        return 0;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0] && n < LS_LEXICA_MAX; i++) {
        const char *p = rules[i].words;
        int hit = 0;
        while (*p && !hit) {
            const char *e = strchr(p, ' ');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char w[32];
            if (len < sizeof w) {
                memcpy(w, p, len);
                w[len] = '\0';
                hit = has_word(scene, w, len);
            }
            p += len;
            while (*p == ' ')
                p++;
        }
        if (hit)
            out[n++] = rules[i].modifier;
    }
    return n;
}

/* ------------------------------------------------------------------------
 * The book's period. A picture of an 1876 novel wants its costume and
 * streets; SD knows decades and centuries by those words. */

static int digit(char c) { return c >= '0' && c <= '9'; }

/* A standalone four-digit year at s[i] (no digit or letter either side). */
static int year_at(const char *s, size_t n, size_t i)
{
    if (i + 4 > n || !digit(s[i]) || !digit(s[i + 1]) || !digit(s[i + 2]) || !digit(s[i + 3]))
        return 0;
    if (i > 0 && (digit(s[i - 1]) || ((s[i - 1] | 32) >= 'a' && (s[i - 1] | 32) <= 'z')))
        return 0;
    if (i + 4 < n && (digit(s[i + 4]) || ((s[i + 4] | 32) >= 'a' && (s[i + 4] | 32) <= 'z')))
        return 0;
    return (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
}

/* Does line [a, z) speak of the e-text rather than the book? */
static int etext_line(const char *s, size_t a, size_t z)
{
    static const char *const marks[] = {"release", "ebook", "e-book", "etext", "posting", "updated", "produced",
                                        "transcri", "digitiz", "gutenberg", "#", NULL};
    char low[256];
    size_t k = 0;
    for (size_t i = a; i < z && k < sizeof low - 1; i++)
        low[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    low[k] = '\0';
    for (size_t i = 0; marks[i]; i++)
        if (strstr(low, marks[i]))
            return 1;
    return 0;
}

static const char *ordinal(int c)
{
    return c % 10 == 1 && c != 11 ? "st" : c % 10 == 2 && c != 12 ? "nd" : c % 10 == 3 && c != 13 ? "rd" : "th";
}

int ls_lexica_period(const char *body, size_t n, char *out, size_t cap)
{
    if (!cap)
        return 0;
    out[0] = '\0';
    if (!body)
        return 0;
    /* the title page: the first 4 KiB */
    size_t front = n < 4096 ? n : 4096;
    for (size_t a = 0; a < front;) {
        size_t z = a;
        while (z < front && body[z] != '\n')
            z++;
        if (!etext_line(body, a, z))
            for (size_t i = a; i + 4 <= z; i++) {
                int y = year_at(body, z, i);
                if (y >= 1500 && y <= 1950) {
                    int c = y / 100 + 1;
                    snprintf(out, cap, "%ds, %d%s century", y / 10 * 10, c, ordinal(c));
                    return 1;
                }
            }
        a = z + 1;
    }
    /* else the century of the years the story names */
    int count[5] = {0}; /* 16th..20th */
    for (size_t i = 0; i + 4 <= n; i++) {
        int y = year_at(body, n, i);
        if (y >= 1500 && y <= 1950)
            count[(y - 1500) / 100 < 5 ? (y - 1500) / 100 : 4]++;
        if (y)
            i += 3;
    }
    int best = -1;
    for (int c = 0; c < 5; c++)
        if (count[c] >= 3 && (best < 0 || count[c] > count[best]))
            best = c;
    if (best < 0)
        return 0;
    snprintf(out, cap, "%d%s century", best + 16, ordinal(best + 16));
    return 1;
}
