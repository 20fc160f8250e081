/* lexicon.c - word lists (per language) behind lexicon.h, a small
 * inflection stripper for English and French, and the word scanner shared
 * by the cast finder and the idea extractor.
 *
 * The lists are plain space-separated strings so that adding a word is
 * editing one line; "form:base" maps an irregular form to its base. They are
 * loaded once (pthread_once) into fixed open-addressing tables. */
#include "lexicon.h"

#include <pthread.h>
#include <string.h>

#include "util.h"

/* ------------------------------------------------------------------------
 * English */

static const char EN_PERSON[] =
    "boy boys girl girls man men woman women lad lads lass child children baby kid kids "
    "mother father aunt uncle brother sister son daughter wife husband widow widower "
    "king queen prince princess knight soldier soldiers sailor sailors pirate pirates robber robbers "
    "thief thieves indian injun doctor judge teacher schoolmaster master mistress minister preacher "
    "parson priest monk nun farmer fisherman fishermen hunter hunters slave slaves servant maid "
    "lady ladies gentleman gentlemen stranger strangers crowd people villagers townspeople "
    "friend friends sweetheart comrade comrades gang congregation pupils scholars fellow "
    "horse horses dog dogs cat cats bird birds cow cows pig pigs sheep goat bull mule "
    "beetle ant ants bug spider fly flies butterfly worm snake fish fishes owl crow robin "
    "wolf wolves bear fox deer rabbit hound hounds duck ducks goose hen rooster";

static const char EN_PLACE[] =
    "river rivers stream creek brook lake pond sea ocean shore shores beach bank banks coast "
    "island islands bar sandbar cave caves cavern tunnel passage village town city street "
    "streets lane road path alley square market church chapel steeple churchyard graveyard "
    "cemetery grave graves tomb school schoolhouse house houses home cabin hut shed barn "
    "tavern inn mill castle palace tower garden gardens yard orchard meadow field fields "
    "hill hills hillside mountain mountains valley hollow forest forests wood woods grove "
    "thicket swamp marsh jungle desert prairie cliff cliffs rock rocks bluff summit "
    "room bedroom kitchen parlor parlour cellar attic loft hall gallery porch doorway "
    "courtroom court jail prison ferry ferryboat wharf dock harbor harbour landing "
    "camp campfire clearing glade sky heaven horizon plain plains riverbank waterside "
    "sidewalk pavement fireside hearth shop store station platform deck cabin-deck "
    "missouri mississippi illinois ohio petersburg louis hannibal england france "
    "america africa asia europe egypt arabia sahara atlantic pacific indiana london paris "
    "jerusalem cairo rome india china capitol states land lands nights";

static const char EN_OBJECT[] =
    "fence brush bucket pail whitewash raft boat canoe skiff oar oars paddle sail mast "
    "candle candles lantern lamp torch fire flame flames bonfire match matches "
    "door doors gate window windows wall walls roof chimney stairs ladder bed table chair "
    "bench pew pulpit desk book books bible slate pencil letter map treasure gold coin coins "
    "money box chest trunk barrel bag sack basket bottle jug cup plate bread pie cake apple "
    "apples melon watermelon jam sugar meat bacon ham ham fishing-line line hook hooks rod "
    "pipe tobacco knife knives gun guns pistol rifle sword pick shovel spade axe hatchet "
    "rope string kite ball marble marbles tooth dog-collar collar hat cap bonnet coat jacket "
    "shirt shoes shoe boots dress ribbon spectacles switch stick sticks club cane whip "
    "flag drum bell bells clock coffin cross crucifix ring necklace tree trees log logs "
    "branch branches leaf leaves grass flower flowers roses blossoms vine vines bush bushes "
    "stone stones pebble sand mud dust water waves wave foam ice snow rain storm thunder "
    "lightning wind smoke cloud clouds fog mist steamboat steamer ship ships wagon cart "
    "carriage wheel bridge well pump tub wood plank planks board boards skeleton skull "
    "cat cats feather feathers blanket quilt curtain mirror picture portrait net basket "
    "toy toys plaything playthings kite doll top tops bloom blossom locust elm oak willow "
    "sycamore grapevine balloon telescope handbarrow lantern slipper broom";

static const char EN_ACTION[] =
    "run ran:run running:run race climb swim swam:swim swum:swim fight fought:fight dance "
    "jump leap leapt:leap spring sprang:spring dive dove:dive plunge fall fell:fall fallen:fall "
    "throw threw:throw thrown:throw catch caught:catch chase flee fled:flee escape hide hid:hide "
    "hidden:hide crawl creep crept:creep sneak slip slide slid:slide tumble roll rolled "
    "paddle row rowed sail float drift wade splash dig dug:dig bury burn burned burnt:burn "
    "light lit:light blaze carry carried hold held:hold lift raise drag pull push shove "
    "strike struck:strike hit beat kick punch wrestle grapple seize grab snatch clutch grip "
    "kiss hug embrace weep wept:weep cry sob laugh smile grin wave shout scream yell "
    "sing sang:sing sung:sing whistle play ride rode:ride ridden:ride drive drove:drive "
    "walk stride strode:stride march wander stroll hurry rush dash gallop fly flew:fly "
    "kneel knelt:kneel stoop crouch bend bent:bend sit sat:sit stand stood:stand lie lay:lie "
    "sleep slept:sleep wake woke:wake "
    "whitewash paint eat ate:eat drink drank:drink smoke cook fish hunt shoot shot:shoot "
    "stab stabbed kill slay slew:slay die died lurk peer stare gaze glance watch "
    "open close shut tear tore:tear torn:tear break broke:break broken:break shatter "
    "pour spill shake shook:shake tremble shiver swing swung:swing hang hung:hang "
    "scramble clamber vault bound rise rose:rise risen:rise sink sank:sink sunk:sink drown "
    "search explore wave pound knock give gave:give given:give take took:take taken:take "
    "bring brought:bring fetch toss fling flung:fling sweep swept:sweep dip paint nibble munch "
    "sweat dangle stumble tiptoe peep embark land appear skip hop sigh gallop";

static const char EN_LIGHT[] =
    "sun sunlight sunshine sunrise sunset sunbeam dawn dusk twilight moon moonlight "
    "moonbeam star stars starlight night midnight noon morning evening light lights "
    "glow glowing gleam gleaming glitter glittering shine shining sparkle sparkling flash "
    "flicker flickering shadow shadows shade dark darkness gloom gloomy dim bright "
    "red crimson scarlet blue green yellow golden gold silver white black grey gray "
    "brown purple pink orange violet amber rosy pale dusky blazing fiery glowing "
    "fog misty hazy smoky rainbow lantern-light candlelight firelight torchlight "
    "summer winter autumn springtime snowy sunny sunlit moonlit starlit";

static const char EN_ABSTRACT[] =
    "thought thoughts think believe belief idea ideas reason reasons moral morals "
    "principle principles opinion opinions theory notion concept meaning purpose "
    "knowledge wisdom truth virtue duty conscience consider considered suppose "
    "understand understood wonder wondered mind memory memories philosophy argument "
    "question questions answer problem fact facts matter matters nature soul spirit "
    "feeling feelings emotion sentiment character reputation law laws rule rules "
    "definition example property properties structure system result results "
    "possibility probability necessary perhaps doubt doubts hope hoped suppose "
    "regard respect consequence circumstance circumstances condition conditions "
    "religion education existence";

static const char EN_STOP[] =
    "a an the and or but nor so yet for of to in on at by with from into onto upon about "
    "as than then that this these those there here where when while what which who whom "
    "whose why how if unless because though although since till until after before "
    "is am are was were be been being have has had do does did not no yes all any some "
    "each every both either neither many much more most few less least own same such "
    "only just also very too quite rather again ever never always often now once "
    "can could shall should will would may might must let well oh ah o why say says "
    "i me my mine myself we us our ours you your yours thou thee thy he him his himself "
    "she her hers herself it its itself they them their theirs themselves one ones "
    "chapter illustration later soon presently suddenly meanwhile next afterwards "
    "everybody nobody somebody everyone anybody nothing something everything";

static const char EN_TITLE[] =
    "mr mrs ms dr st aunt uncle widow judge miss captain cap'n colonel general major "
    "sir lady lord squire reverend rev father mother sister brother king queen prince "
    "princess doctor professor master mister missus parson deacon duke duchess earl count "
    "countess baron baroness emperor empress governor sheriff "
    /* the church, the East, the ranks, and the forms of address English
     * novels keep from other languages ("Herr Oruk" is "Oruk") */
    "cardinal pope friar bishop archbishop abbot abbess emir sultan sultana sheikh caliph "
    "pasha lieutenant sergeant corporal marquis marquess viscount dame rabbi sire herr "
    "frau monsieur madame mademoiselle signor signora signore senor senora messer";

static const char EN_PRONOUN[] =
    "he him his himself she her hers herself they them their i me my we us you it";

static const char EN_MALE[] =
    "he him his himself mr uncle judge father brother king prince sir lord master mister "
    "captain colonel squire parson deacon reverend cardinal pope friar bishop archbishop "
    "abbot emir sultan sheikh caliph pasha marquis marquess viscount rabbi sire herr "
    "monsieur signor signore senor messer "
    "tom huck huckleberry joe sid jim ben alfred jeff muff billy bob jack john will "
    "george henry harry sam samuel peter paul james thomas";

static const char EN_FEMALE[] =
    "she her hers herself mrs miss aunt widow lady queen princess mother sister missus "
    "abbess sultana dame frau madame mademoiselle signora senora "
    "becky polly mary amy susan sally gracie grace jane ann anne annie kate betsy lucy "
    "emma alice sarah elizabeth margaret ilsebill gretel";

static const char EN_CALENDAR[] =
    "monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december christmas easter "
    "sabbath";

static const char EN_DIVINE[] = "god gods lord heaven heavens jesus christ providence satan devil lord's";

static const char EN_HEADING[] =
    "chapter chapters preface prologue epilogue conclusion introduction contents book "
    "part volume appendix note notes footnote illustration end finis the author";

static const char EN_NOTNAME[] =
    "english american americans indian indians spanish spaniard french german dutch "
    "irish scotch welsh welshman negro christian christians bible testament sunday-school "
    "ok hello goodbye good bad yes no oh ah hey alas amen hurrah hooray hurray "
    "mister missus sir ma'am madam mars marse ain't don't can't won't it's that's "
    "there's i'm i'll i've you're we're they're he's she's what's let's dear cap'n "
    "one two three four five six seven eight nine ten eleven twelve twenty hundred "
    "thousand first second third fourth fifth last number scriptural";

static const char EN_SPEECH[] =
    "said say says saying ask asked asks cry cried cries reply replied replies answer "
    "answered exclaim exclaimed shout shouted whisper whispered mutter muttered murmur "
    "murmured call called continue continued add added respond responded declare declared "
    "demand demanded retort retorted inquire inquired observe observed remark remarked "
    "sing sang rejoin rejoined";

static const char EN_CONJ[] = "and but so or then yet now well oh still also";

static const char EN_PREP[] = "in at to from into near toward towards through across of";

static const char EN_SPATIAL[] =
    "in on at to into onto over under through across along down up behind beneath below "
    "beside by near around round past off from toward towards against upon among between";

/* First words of place names: "New York", "Great Sahara", "Holy Land". */
static const char EN_PLACEWORD[] =
    "new north south east west great united upper lower holy saint st fort mount lake cape port";

static const char EN_DET[] = "the a an this that these those his her their its our my your";

static const char EN_NAME[] = "tom huck becky joe sid jim ben amy alfred polly mary";

/* ------------------------------------------------------------------------
 * German, with Low German forms from the Grimm tales (Fru, Hütt, Slott). */

static const char DE_PERSON[] =
    "mann männer mannes frau frauen fru fruu kind kinder knabe junge jungen mädchen "
    "mäken deern vater mutter moder vader bruder broder schwester süster sohn söhn "
    "tochter dochter könig königin köning künig kaiser kaiserin papst pabst prinz prins "
    "prinzessin ritter soldat soldaten soldaaten jäger jäger fischer fischers hexe "
    "zauberer riese zwerg zwerge bauer buur müller schneider schuster herr herrn dame "
    "edellüd edelleute volk lüd lüüd leute magd knecht diener diener hirte schäfer "
    "wolf wölfe fuchs bär hund hunde katze katt pferd peerd rösser ross vogel vögel "
    "fisch butt buttje taube tauben gans hahn huhn esel kuh";

static const char DE_PLACE[] =
    "see haff strand ufer fluss flod strom bach teich wald holt busch berg barg "
    "bargen tal feld wiese weide garten goorn hof dorf stadt stadt schloss slott "
    "pallast palast kirche kark burg turm hütte hütt huus haus kate stube stuuv saal "
    "küche kök keller kammer himmel heven insel höhle brunnen weg straße markt "
    "pißputt pott hof thron troon toorn land kirch kirchentöörn baarge barg aever "
    "bülgen hall saal";

static const char DE_OBJECT[] =
    "tür döhr dör fenster finster tisch stuhl bank bänk bett bedd tür treppe trepp "
    "krone kroon zepter szepter mantel kleid gold diamant diamanten edelstein edelsteen "
    "steen stein steine baum bööm boom bäume blume blumen apfel brot wein wien fleisch "
    "kerze kerzen licht lichter feuer füür rauch schiff schepen schipp boot angel netz "
    "schwert swert pauken trumpeten trompete fahne glocke ring schlüssel kiste korb "
    "wasser water welle wellen wogen wind storm sturm regen wolke wolken donner blitz "
    "schüssel teller krug becher lamp lampe spiegel dach mauer wand tor "
    "bömer bööm schepen schuum kroon hand hannen trepp pauken trumpeten soldaten "
    "blöder wolken blasen keekwind";

static const char DE_ACTION[] =
    "ging güng gingen güngen lief laufen rannte sprang springen schwamm swemmen fiel "
    "kletterte kämpfte tanzte warf fing angelte angeld fangen fing füng zog trug trog "
    "saß seet stand stünn stünd kniete lag leeg schlief sleep weinte lachte sang rief "
    "schrie tanzen fahren fuhr ritt flog fliegen stieg steeg kroch tauchte brach "
    "schlug sloog hob hoff warf smeet kamen köhm keem";

static const char DE_LIGHT[] =
    "sonne sünn sunn mond maand maan stern sterne steern licht schein glanz schatten "
    "dunkel düster düüster hell blank rot rood blau blao grün gröön gelb gel geel golden "
    "gülden goldne silbern sülwern weiß witt schwarz swart swartgrau grau gries "
    "dunkelblau dunkelgrau vigelett purpur morgen abend nacht dämmerung";

static const char DE_ABSTRACT[] =
    "gedanke gedanken glauben idee grund meinung vernunft wahrheit tugend pflicht "
    "gewissen sinn bedeutung definition beispiel eigenschaft eigenschaften";

static const char DE_STOP[] =
    "der die das den dem des ein eine einer eines einem einen und oder aber doch so "
    "als wie wenn dann da dar do nu un as in im an am auf zu zum zur von vom mit "
    "bei nach aus für über unter vor hinter ist war sind waren sein hat hatte haben "
    "ich du er sie es wir ihr mich mir dich dir ihn ihm uns euch sich mein dein "
    "ik dy my mi di he se em ehr wy jy syn syne myn myne dyn dyne nich nicht kein keen "
    "de dat een en enen ene eenen wat wo hyr dar door ook ock wol jo ja ne nee ach "
    "na nu noch man mal all al to tom up uut ut by bi mit un as do dat";

static const char DE_TITLE[] =
    "herr frau fräulein onkel tante könig königin prinz prinzessin doktor dr meister "
    "vater mutter graf gräfin kapitän professor baron baronin kaiser kaiserin pfarrer";

static const char DE_PRONOUN[] =
    "er sie es ihn ihm ihr he se em ehr syn ik du wy jy ihre ihren ihrem ihrer ihres ihnen sein seine seinen "
    "seinem seiner seines mein meine meinen meinem meiner dein deine unser unsere euer eure";

static const char DE_MALE[] = "er ihn ihm sein he em syn herr onkel könig prinz vater mann hans fischer butt";

static const char DE_FEMALE[] = "sie ihr ehr frau fru tante königin prinzessin mutter ilsebill gretel";

static const char DE_CALENDAR[] =
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag januar "
    "februar märz april mai juni juli august september oktober november dezember "
    "ostern pfingsten weihnachten";

static const char DE_DIVINE[] = "gott herrgott himmel heiland jesus christus teufel leew gott's";

static const char DE_HEADING[] = "kapitel teil buch vorrede vorwort einleitung inhalt ende anmerkung";

static const char DE_NOTNAME[] =
    "ach oh ja nein ne na nu hör süh kumm ga gah god good dag morgen abend nacht "
    "manntje timpe te mann's";

static const char DE_SPEECH[] =
    "sagte sagt sprach spricht rief fragte antwortete säd sä seggt seggd fraagd antwoord "
    "reep raapt schreeg schrie dachd dachte";

static const char DE_CONJ[] = "und aber so da do un as denn dann mit des";

static const char DE_PREP[] = "in im nach zu zum zur aus von bei an vör vor na to tom";

static const char DE_SPATIAL[] = "in an auf über unter vor hinter neben durch nach zu up över ünner achter dör";

static const char DE_DET[] =
    "der die das den dem des ein eine einen einem de dat een en enen ene eenen "
    "syne syn myne myn";

static const char DE_NAME[] =
    "hans hänsel gretel grete ilsebill rapunzel rumpelstilzchen schneewittchen "
    "aschenputtel dornröschen rotkäppchen jorinde joringel marie lise liese "
    "heinrich friedrich katherlieschen";

/* ------------------------------------------------------------------------
 * French */

static const char FR_PERSON[] =
    "homme hommes femme femmes enfant enfants garçon fille filles père mère frère sœur "
    "fils roi reine prince princesse chevalier soldat soldats marin pêcheur paysan "
    "paysanne dame monsieur madame vieillard vieille foule peuple ami amis "
    "cheval chevaux chien chiens chat oiseau oiseaux loup poisson";

static const char FR_PLACE[] =
    "rivière fleuve lac mer océan plage rive île grotte caverne village ville rue "
    "place église chapelle cimetière école maison cabane château palais tour jardin "
    "champ champs prairie colline montagne vallée forêt bois rocher falaise chambre "
    "cuisine salle cour prison pont port ciel horizon";

static const char FR_OBJECT[] =
    "porte fenêtre mur toit table chaise lit livre lettre carte trésor or pièce coffre "
    "bouteille pain couteau épée fusil corde chapeau manteau robe arbre arbres branche "
    "feuille fleur fleurs pierre sable eau vague vagues glace neige pluie orage vent "
    "fumée nuage nuages brouillard bateau navire barque voile bougie lampe feu flamme "
    "flacon tube ballon cristal cristaux";

static const char FR_ACTION[] =
    "courir court courut grimper grimpa nager nagea combattre danser dansa sauter sauta "
    "tomber tomba jeter jeta saisir saisit fuir fuit cacher cacha ramer marcher marcha "
    "porter porta lever leva tirer tira pousser poussa frapper frappa embrasser pleurer "
    "pleura rire rit chanter chanta jouer joua monter monta descendre descendit "
    "brûler brûla allumer alluma verser versa chauffer chauffe chauffer mélanger agiter";

static const char FR_LIGHT[] =
    "soleil lune étoile étoiles lumière lueur aube aurore crépuscule nuit minuit midi "
    "matin soir ombre ombres obscurité sombre clair brillant rouge bleu bleue vert verte "
    "jaune doré dorée or argent argenté blanc blanche noir noire gris grise brun violet "
    "rose orange pâle incolore coloré colorée flamme";

static const char FR_ABSTRACT[] =
    "pensée idée raison morale principe opinion théorie notion concept sens but "
    "connaissance vérité devoir définition exemple propriété propriétés structure "
    "différence différences cas type types formule formules isomérie isomère isomères "
    "constitution fonction conclusion";

static const char FR_STOP[] =
    "le la les l' un une des du de d' et ou mais donc or ni car que qui quoi dont où "
    "ce cet cette ces il elle ils elles on je tu nous vous me te se lui leur leurs "
    "son sa ses mon ma mes ton ta tes notre nos votre vos est sont était étaient être "
    "a ont avait avaient avoir en dans sur sous par pour avec sans vers chez à au aux "
    "ne pas plus si comme quand alors aussi très bien tout tous toute toutes";

static const char FR_TITLE[] =
    "monsieur madame mademoiselle m mme mlle docteur dr saint sainte roi reine capitaine professeur "
    "comte comtesse baron baronne abbé commandant";

static const char FR_PRONOUN[] = "il elle ils elles lui on je tu nous vous";

static const char FR_MALE[] = "il lui monsieur m roi père frère";

static const char FR_FEMALE[] = "elle madame mme mademoiselle mlle reine mère sœur";

static const char FR_CALENDAR[] =
    "lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril "
    "mai juin juillet août septembre octobre novembre décembre noël pâques";

static const char FR_DIVINE[] = "dieu seigneur ciel jésus christ diable";

static const char FR_HEADING[] =
    "chapitre partie livre préface avant-propos introduction conclusion exemple "
    "exemples définition figure fig remarque note";

/* (the plural forms of address, "Mesdames, vous serez surpris", are no one's name) */
static const char FR_NOTNAME[] = "oui non ah oh eh bon soit encore elle messieurs mesdames mesdemoiselles";

static const char FR_SPEECH[] = "dit dis dit-il dit-elle demanda répondit cria s'écria murmura ajouta reprit";

static const char FR_CONJ[] = "et mais donc alors puis or";

static const char FR_PREP[] = "à de en dans vers chez sur par";

static const char FR_SPATIAL[] = "dans sur sous vers devant derrière près entre à travers";

static const char FR_DET[] = "le la les un une des du ce cette ces son sa ses";

static const char FR_NAME[] = "jean pierre marie paul jacques louis";

/* ------------------------------------------------------------------------
 * Tables */

typedef struct {
    const char *w, *base;
    unsigned char wlen, blen;
    unsigned flags;
} lex_entry;

#define LEX_SLOTS 4096 /* power of two, comfortably above the words per language */

typedef struct {
    const char *list;
    unsigned flags;
} lex_list;

typedef struct {
    lex_entry slot[LEX_SLOTS];
    const lex_list *lists;
    size_t n_lists;
} lex_table;

#define L(x) (sizeof(x) / sizeof((x)[0]))

static const lex_list en_lists[] = {
    {EN_PERSON, LSLEX_PERSON},     {EN_PLACE, LSLEX_PLACE},       {EN_OBJECT, LSLEX_OBJECT},
    {EN_ACTION, LSLEX_ACTION},     {EN_LIGHT, LSLEX_LIGHT},       {EN_ABSTRACT, LSLEX_ABSTRACT},
    {EN_STOP, LSLEX_STOP},         {EN_TITLE, LSLEX_TITLE},       {EN_PRONOUN, LSLEX_PRONOUN},
    {EN_MALE, LSLEX_MALE},         {EN_FEMALE, LSLEX_FEMALE},     {EN_CALENDAR, LSLEX_CALENDAR},
    {EN_DIVINE, LSLEX_DIVINE},     {EN_HEADING, LSLEX_HEADING},   {EN_NOTNAME, LSLEX_NOTNAME},
    {EN_SPEECH, LSLEX_SPEECH},     {EN_CONJ, LSLEX_CONJ},         {EN_PREP, LSLEX_PREP},
    {EN_DET, LSLEX_DET},           {EN_NAME, LSLEX_NAME},         {EN_SPATIAL, LSLEX_SPATIAL},
    {EN_PLACEWORD, LSLEX_PLACEWORD},
};
static const lex_list de_lists[] = {
    {DE_PERSON, LSLEX_PERSON},     {DE_PLACE, LSLEX_PLACE},       {DE_OBJECT, LSLEX_OBJECT},
    {DE_ACTION, LSLEX_ACTION},     {DE_LIGHT, LSLEX_LIGHT},       {DE_ABSTRACT, LSLEX_ABSTRACT},
    {DE_STOP, LSLEX_STOP},         {DE_TITLE, LSLEX_TITLE},       {DE_PRONOUN, LSLEX_PRONOUN},
    {DE_MALE, LSLEX_MALE},         {DE_FEMALE, LSLEX_FEMALE},     {DE_CALENDAR, LSLEX_CALENDAR},
    {DE_DIVINE, LSLEX_DIVINE},     {DE_HEADING, LSLEX_HEADING},   {DE_NOTNAME, LSLEX_NOTNAME},
    {DE_SPEECH, LSLEX_SPEECH},     {DE_CONJ, LSLEX_CONJ},         {DE_PREP, LSLEX_PREP},
    {DE_DET, LSLEX_DET},           {DE_NAME, LSLEX_NAME},         {DE_SPATIAL, LSLEX_SPATIAL},
};
static const lex_list fr_lists[] = {
    {FR_PERSON, LSLEX_PERSON},     {FR_PLACE, LSLEX_PLACE},       {FR_OBJECT, LSLEX_OBJECT},
    {FR_ACTION, LSLEX_ACTION},     {FR_LIGHT, LSLEX_LIGHT},       {FR_ABSTRACT, LSLEX_ABSTRACT},
    {FR_STOP, LSLEX_STOP},         {FR_TITLE, LSLEX_TITLE},       {FR_PRONOUN, LSLEX_PRONOUN},
    {FR_MALE, LSLEX_MALE},         {FR_FEMALE, LSLEX_FEMALE},     {FR_CALENDAR, LSLEX_CALENDAR},
    {FR_DIVINE, LSLEX_DIVINE},     {FR_HEADING, LSLEX_HEADING},   {FR_NOTNAME, LSLEX_NOTNAME},
    {FR_SPEECH, LSLEX_SPEECH},     {FR_CONJ, LSLEX_CONJ},         {FR_PREP, LSLEX_PREP},
    {FR_DET, LSLEX_DET},           {FR_NAME, LSLEX_NAME},         {FR_SPATIAL, LSLEX_SPATIAL},
};

static lex_table tables[3] = {
    {.lists = en_lists, .n_lists = L(en_lists)},
    {.lists = de_lists, .n_lists = L(de_lists)},
    {.lists = fr_lists, .n_lists = L(fr_lists)},
};
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static uint32_t lex_hash(const char *w, size_t n)
{
    return (uint32_t)lsfnv1a64(w, n, LSFNV_SEED);
}

static void lex_insert(lex_table *t, const char *w, size_t wlen, const char *b, size_t blen, unsigned flags)
{
    if (wlen == 0 || wlen > 255 || blen > 255)
        return;
    uint32_t i = lex_hash(w, wlen) & (LEX_SLOTS - 1);
    for (;;) {
        lex_entry *e = &t->slot[i];
        if (!e->w) {
            e->w = w;
            e->wlen = (unsigned char)wlen;
            e->base = b;
            e->blen = (unsigned char)blen;
            e->flags = flags;
            return;
        }
        if (e->wlen == wlen && memcmp(e->w, w, wlen) == 0) {
            e->flags |= flags;
            /* an irregular form keeps its base; a plain entry does not override it */
            if (b != w && e->base == e->w) {
                e->base = b;
                e->blen = (unsigned char)blen;
            }
            return;
        }
        i = (i + 1) & (LEX_SLOTS - 1);
    }
}

static void lex_build(void)
{
    for (size_t ti = 0; ti < 3; ti++) {
        lex_table *t = &tables[ti];
        for (size_t li = 0; li < t->n_lists; li++) {
            const char *p = t->lists[li].list;
            while (*p) {
                while (*p == ' ')
                    p++;
                const char *w = p;
                while (*p && *p != ' ' && *p != ':')
                    p++;
                size_t wlen = (size_t)(p - w);
                const char *b = w;
                size_t blen = wlen;
                if (*p == ':') {
                    b = ++p;
                    while (*p && *p != ' ')
                        p++;
                    blen = (size_t)(p - b);
                }
                if (wlen)
                    lex_insert(t, w, wlen, b, blen, t->lists[li].flags);
            }
        }
    }
}

static const lex_entry *lex_find(const lex_table *t, const char *w, size_t n)
{
    if (n == 0 || n > 255)
        return NULL;
    uint32_t i = lex_hash(w, n) & (LEX_SLOTS - 1);
    for (;;) {
        const lex_entry *e = &t->slot[i];
        if (!e->w)
            return NULL;
        if (e->wlen == n && memcmp(e->w, w, n) == 0)
            return e;
        i = (i + 1) & (LEX_SLOTS - 1);
    }
}

lslex_lang_id lslex_lang(const char *lang)
{
    if (lang && (lang[0] == 'd' && lang[1] == 'e') && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
        return LSLEX_DE;
    if (lang && (lang[0] == 'f' && lang[1] == 'r') && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
        return LSLEX_FR;
    return LSLEX_EN;
}

static unsigned lex_try(const lex_table *t, const char *w, size_t n, const char **base, size_t *blen)
{
    const lex_entry *e = lex_find(t, w, n);
    if (!e)
        return 0;
    if (base) {
        *base = e->base;
        *blen = e->blen;
    }
    return e->flags;
}

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* Flags that a suffix-stripped form may lend to the inflected word: the
 * function-word lists must match exactly ("hers" is not "her" + s). */
#define LEX_CONTENT (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT | LSLEX_ACTION | LSLEX_LIGHT | LSLEX_ABSTRACT | LSLEX_SPEECH)

#define LEX_VERB (LSLEX_ACTION | LSLEX_SPEECH | LSLEX_ABSTRACT)

static unsigned lex_stem_en(const lex_table *t, const char *w, size_t n, const char **base, size_t *blen)
{
    char tmp[64];
    unsigned f;
    unsigned want = LEX_VERB;
    if (n < 4 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, w, n);
#define TRY(len)                                                          \
    do {                                                                  \
        f = lex_try(t, tmp, (len), base, blen) & LEX_CONTENT & want;     \
        if (f)                                                            \
            return f;                                                     \
    } while (0)
    if (n > 4 && memcmp(w + n - 3, "ing", 3) == 0) {
        size_t m = n - 3;
        TRY(m);
        tmp[m] = 'e';
        TRY(m + 1);
        if (m >= 3 && tmp[m - 1] == tmp[m - 2] && !is_vowel(tmp[m - 1]))
            TRY(m - 1);
    }
    if (n > 4 && memcmp(w + n - 3, "ied", 3) == 0) {
        memcpy(tmp, w, n);
        tmp[n - 3] = 'y';
        TRY(n - 2);
    }
    if (memcmp(w + n - 2, "ed", 2) == 0) {
        memcpy(tmp, w, n);
        size_t m = n - 2;
        TRY(m);
        TRY(m + 1); /* danced -> dance */
        if (m >= 3 && tmp[m - 1] == tmp[m - 2] && !is_vowel(tmp[m - 1]))
            TRY(m - 1);
    }
    memcpy(tmp, w, n);
    want = LEX_CONTENT;
    if (memcmp(w + n - 3, "ies", 3) == 0) {
        tmp[n - 3] = 'y';
        TRY(n - 2);
        memcpy(tmp, w, n);
    }
    if (memcmp(w + n - 2, "es", 2) == 0)
        TRY(n - 2);
    if (w[n - 1] == 's' && w[n - 2] != 's')
        TRY(n - 1);
    if (memcmp(w + n - 2, "ly", 2) == 0)
        TRY(n - 2);
#undef TRY
    return 0;
}

static unsigned lex_stem_de(const lex_table *t, const char *w, size_t n, const char **base, size_t *blen)
{
    static const char *const suf[] = {"en", "es", "er", "e", "n", "s"};
    for (size_t i = 0; i < L(suf); i++) {
        size_t sl = strlen(suf[i]);
        if (n > sl + 2 && memcmp(w + n - sl, suf[i], sl) == 0) {
            unsigned f = lex_try(t, w, n - sl, base, blen) & LEX_CONTENT;
            if (f)
                return f;
        }
    }
    return 0;
}

static unsigned lex_stem_fr(const lex_table *t, const char *w, size_t n, const char **base, size_t *blen)
{
    static const char *const suf[] = {"es", "s", "x", "e"};
    for (size_t i = 0; i < L(suf); i++) {
        size_t sl = strlen(suf[i]);
        if (n > sl + 2 && memcmp(w + n - sl, suf[i], sl) == 0) {
            unsigned f = lex_try(t, w, n - sl, base, blen) & LEX_CONTENT;
            if (f)
                return f;
        }
    }
    return 0;
}

unsigned lslex_lookup(lslex_lang_id lang, const char *w, size_t n, const char **base, size_t *base_len)
{
    pthread_once(&table_once, lex_build);
    if ((unsigned)lang > LSLEX_FR)
        lang = LSLEX_EN;
    const lex_table *t = &tables[lang];
    size_t bl = 0;
    const char *b = NULL;
    unsigned f = lex_try(t, w, n, &b, &bl);
    if (!f) {
        if (lang == LSLEX_EN)
            f = lex_stem_en(t, w, n, &b, &bl);
        else if (lang == LSLEX_DE)
            f = lex_stem_de(t, w, n, &b, &bl);
        else
            f = lex_stem_fr(t, w, n, &b, &bl);
    }
    if (f && base) {
        *base = b;
        *base_len = bl;
    }
    return f;
}

/* ------------------------------------------------------------------------
 * Scanner */

int lslex_is_quote(uint32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB;
}

static int is_letter_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (cp == 0xD7 || cp == 0xF7)
        return 0;
    if (cp >= 0xC0 && cp <= 0x24F)
        return 1;
    if (cp >= 0x250 && cp < 0x2000)
        return 1; /* IPA, Greek, Cyrillic, ... */
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return 0; /* punctuation, symbols, arrows */
    if (cp >= 0x3000 && cp <= 0x303F)
        return 0;
    return cp >= 0x3040;
}

static int is_upper_cp(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return 1;
    if (cp >= 0x100 && cp <= 0x17F)
        return (cp & 1) == 0;
    if (cp >= 0x391 && cp <= 0x3A9)
        return 1;
    if (cp >= 0x400 && cp <= 0x42F)
        return 1;
    return 0;
}

/* Decode the code point at s[i] (len in *l); invalid bytes read as 0xFFFD, length 1. */
static uint32_t cp_at(const char *s, size_t n, size_t i, int *l)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *l = 1;
        return c;
    }
    int k = lsutf8_seqlen((const unsigned char *)s + i, n - i);
    if (!k) {
        *l = 1;
        return 0xFFFD;
    }
    *l = k;
    return lsutf8_decode((const unsigned char *)s + i, k);
}

void lslex_scan_init(lslex_scan *sc, const char *s, size_t n)
{
    sc->s = s;
    sc->n = n;
    sc->pos = 0;
    sc->quoted = 0;
    sc->boundary = 1;
}

static int is_apostrophe(uint32_t cp) { return cp == '\'' || cp == 0x2019; }

int lslex_next_word(lslex_scan *sc, lsword *w)
{
    const char *s = sc->s;
    size_t n = sc->n;
    while (sc->pos < n) {
        int l;
        uint32_t cp = cp_at(s, n, sc->pos, &l);
        if (is_letter_cp(cp)) {
            size_t start = sc->pos;
            int n_letters = 0, n_upper = 0, first_upper = is_upper_cp(cp);
            size_t i = sc->pos;
            for (;;) {
                if (i >= n)
                    break;
                int l2;
                uint32_t c2 = cp_at(s, n, i, &l2);
                if (is_letter_cp(c2)) {
                    n_letters++;
                    n_upper += is_upper_cp(c2);
                    i += (size_t)l2;
                    continue;
                }
                if (is_apostrophe(c2) && i + (size_t)l2 < n) {
                    int l3;
                    uint32_t c3 = cp_at(s, n, i + (size_t)l2, &l3);
                    if (is_letter_cp(c3)) {
                        i += (size_t)l2;
                        continue;
                    }
                }
                break;
            }
            w->start = start;
            w->end = i;
            w->upper = first_upper;
            w->all_upper = n_letters >= 2 && n_upper == n_letters;
            w->quoted = sc->quoted;
            w->after_stop = sc->boundary;
            sc->boundary = 0;
            sc->pos = i;
            return 1;
        }
        if (lslex_is_quote(cp)) {
            sc->quoted = !sc->quoted;
            sc->boundary = 1;
        } else if (cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == '(' || cp == 0x2026) {
            sc->boundary = 1;
        }
        sc->pos += (size_t)l;
    }
    return 0;
}

size_t lslex_lower(const char *w, size_t n, char *out, size_t cap, int strip_possessive)
{
    if (cap == 0)
        return 0;
    if (strip_possessive) {
        if (n > 2 && w[n - 2] == '\'' && (w[n - 1] == 's' || w[n - 1] == 'S'))
            n -= 2;
        else if (n > 4 && (unsigned char)w[n - 4] == 0xE2 && (unsigned char)w[n - 3] == 0x80 &&
                 (unsigned char)w[n - 2] == 0x99 && (w[n - 1] == 's' || w[n - 1] == 'S'))
            n -= 4;
    }
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        int l;
        uint32_t cp = cp_at(w, n, i, &l);
        if (cp >= 'A' && cp <= 'Z')
            cp += 32;
        else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
            cp += 32;
        else if (cp >= 0x100 && cp <= 0x17F && (cp & 1) == 0)
            cp += 1;
        else if (cp == 0x2019)
            cp = '\'';
        char enc[4];
        int el = cp == 0xFFFD ? 0 : lsutf8_encode(cp, enc);
        if (o + (size_t)el >= cap)
            break;
        memcpy(out + o, enc, (size_t)el);
        o += (size_t)el;
        i += (size_t)l;
    }
    out[o] = '\0';
    return o;
}

void lslex_gerund(const char *base, size_t n, char *out, size_t cap)
{
    char tmp[64];
    if (cap == 0)
        return;
    if (n >= sizeof tmp - 5)
        n = sizeof tmp - 5;
    memcpy(tmp, base, n);
    size_t m = n;
    if (m >= 2 && tmp[m - 1] == 'e' && tmp[m - 2] == 'i') { /* lie -> lying, die -> dying */
        m -= 2;
        tmp[m++] = 'y';
    } else if (m >= 3 && tmp[m - 1] == 'e' && tmp[m - 2] != 'e' && tmp[m - 2] != 'o' &&
               tmp[m - 2] != 'y') { /* dance -> dancing; tiptoe -> tiptoeing, dye -> dyeing */
        m--;
    } else if (m >= 3 && m <= 4 && !(m == 4 && is_vowel(tmp[0])) && !is_vowel(tmp[m - 1]) && is_vowel(tmp[m - 2]) && !is_vowel(tmp[m - 3]) &&
               tmp[m - 1] != 'w' && tmp[m - 1] != 'x' && tmp[m - 1] != 'y') {
        tmp[m] = tmp[m - 1]; /* run -> running, swim -> swimming, dig -> digging; not open, exit, edit */
        m++;
    }
    memcpy(tmp + m, "ing", 3);
    m += 3;
    if (m >= cap)
        m = cap - 1;
    memcpy(out, tmp, m);
    out[m] = '\0';
}

uint64_t lslex_word_hash(const char *w, size_t n)
{
    if (n > 2 && w[n - 2] == '\'' && (w[n - 1] == 's' || w[n - 1] == 'S'))
        n -= 2;
    else if (n > 4 && (unsigned char)w[n - 4] == 0xE2 && (unsigned char)w[n - 3] == 0x80 &&
             (unsigned char)w[n - 2] == 0x99 && (w[n - 1] == 's' || w[n - 1] == 'S'))
        n -= 4;
    return lsfnv1a64(w, n, LSFNV_SEED);
}

int lslex_words_append(const char *text, size_t a, size_t b, lslex_lang_id lang, lslex_tword **w, uint64_t **h,
                       size_t *n, size_t *cap, size_t first_cap)
{
    lslex_scan sc;
    lsword lw;
    lslex_scan_init(&sc, text + a, b - a);
    while (lslex_next_word(&sc, &lw)) {
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : first_cap;
            lslex_tword *nw = longsd__realloc(*w, ncap * sizeof *nw);
            if (!nw)
                return 0;
            *w = nw;
            uint64_t *nh = longsd__realloc(*h, ncap * sizeof *nh);
            if (!nh)
                return 0;
            *h = nh;
            *cap = ncap;
        }
        lslex_tword *x = &(*w)[*n];
        x->start = a + lw.start;
        x->end = a + lw.end;
        x->quoted = lw.quoted;
        x->upper = lw.upper;
        x->ll = lslex_lower(text + x->start, x->end - x->start, x->low, sizeof x->low, 1);
        x->flags = lslex_lookup(lang, x->low, x->ll, NULL, NULL);
        (*h)[*n] = lslex_word_hash(text + x->start, x->end - x->start);
        (*n)++;
    }
    return 1;
}
