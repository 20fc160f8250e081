/* lexica.c - the lexica layer (see lexica.h). A prompt library such as
 * Lexica's shows that SD 1.x pictures gain most from a few modifiers that
 * name the light and the kind of place; the scene writer already names the
 * things, so each rule here maps words of the English scene to one
 * modifier. The vocabulary is ours, kept short and general: rules are tried
 * in order (light and weather before place, as they change a picture most)
 * and each modifier is used once. */
#include "lexica.h"

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
