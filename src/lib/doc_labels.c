/* doc_labels.c - the documents' own words in English, German and French,
 * chosen by the book's language (or --lang): a German novel gets
 * "Inhalt" and "Anhang: Prompts", not "Contents". */
#include "doc_labels.h"

#include <string.h>

static const ls_doc_labels EN = {
    .contents = "Contents",
    .appendix = "Appendix: prompts",
    .front_matter = "Front matter",
    .title_page = "Title page",
    .idea = "Idea",
    .prompt = "Prompt",
    .negative = "Negative prompt",
    .seed = "Seed",
    .seed_settings = "Seed and settings",
    .prompt_colon = "Prompt: ",
    .negative_colon = "Negative prompt: ",
    .seeds_note = "Seeds make each picture reproducible with the same model and settings.",
    .beginning = "Beginning",
    .middle = "Middle",
    .end = "End",
    .part_fmt = "Part %zu",
    .not_rendered_fmt = "Image not rendered yet (%s, seed %u)",
    .failed_fmt = "Image failed (%s): %s",
    .missing_fmt = "Image missing (%s): %s",
};

static const ls_doc_labels DE = {
    .contents = "Inhalt",
    .appendix = "Anhang: Prompts",
    .front_matter = "Vorspann",
    .title_page = "Titelseite",
    .idea = "Idee",
    .prompt = "Prompt",
    .negative = "Negativer Prompt",
    .seed = "Seed",
    .seed_settings = "Seed und Einstellungen",
    .prompt_colon = "Prompt: ",
    .negative_colon = "Negativer Prompt: ",
    .seeds_note = "Mit Seed, Modell und Einstellungen l\xC3\xA4sst sich jedes Bild genau wiederholen.",
    .beginning = "Anfang",
    .middle = "Mitte",
    .end = "Schluss",
    .part_fmt = "Teil %zu",
    .not_rendered_fmt = "Bild noch nicht erzeugt (%s, Seed %u)",
    .failed_fmt = "Bild fehlgeschlagen (%s): %s",
    .missing_fmt = "Bild fehlt (%s): %s",
};

static const ls_doc_labels FR = {
    .contents = "Table des mati\xC3\xA8res",
    .appendix = "Annexe : prompts",
    .front_matter = "Pages liminaires",
    .title_page = "Page de titre",
    .idea = "Id\xC3\xA9" "e",
    .prompt = "Prompt",
    .negative = "Prompt n\xC3\xA9gatif",
    .seed = "Graine",
    .seed_settings = "Graine et r\xC3\xA9glages",
    .prompt_colon = "Prompt : ",
    .negative_colon = "Prompt n\xC3\xA9gatif : ",
    .seeds_note = "La graine, le mod\xC3\xA8le et les r\xC3\xA9glages permettent de refaire chaque image \xC3\xA0 "
                  "l'identique.",
    .beginning = "D\xC3\xA9" "but",
    .middle = "Milieu",
    .end = "Fin",
    .part_fmt = "Partie %zu",
    .not_rendered_fmt = "Image pas encore g\xC3\xA9n\xC3\xA9r\xC3\xA9" "e (%s, graine %u)",
    .failed_fmt = "\xC3\x89" "chec de l'image (%s) : %s",
    .missing_fmt = "Image manquante (%s) : %s",
};

const ls_doc_labels *ls_doc_labels_for(const char *lang)
{
    if (!lang)
        return &EN;
    /* the primary subtag, either case: "de", "DE-at", "fr-CA" */
    char p[4] = {0};
    for (int i = 0; i < 3 && lang[i] && lang[i] != '-' && lang[i] != '_'; i++)
        p[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i]);
    if (!strcmp(p, "de"))
        return &DE;
    if (!strcmp(p, "fr"))
        return &FR;
    return &EN;
}
