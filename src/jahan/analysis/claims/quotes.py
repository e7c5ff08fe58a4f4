"""The claims' sentences, quoted from the founding texts.

Text 000 is in Kazakh, text 003 in English (the project's seeds). Each claim carries its sentence
in the three interface languages with where it comes from: ``original`` when the words are the
text's own (Kazakh from 000, English from 003), ``translation`` when jahan translated them (every
Russian sentence; the Kazakh sentence of a claim that text 000 does not make; the English sentence
of a claim made only in 000). Line breaks and hyphenation at line ends of the source are removed;
nothing else is changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from jahan._i18n import check_lang, tr


@dataclass(frozen=True)
class Quote:
    """One claim's sentence in en, kk and ru, each with its source text and kind."""

    en: str
    kk: str
    ru: str
    en_source: tuple[str, str] = ("003", "original")
    kk_source: tuple[str, str] = ("003", "translation")
    ru_source: tuple[str, str] = ("003", "translation")

    def text(self, lang: str) -> str:
        """The sentence in ``lang``."""
        return getattr(self, check_lang(lang))

    def source(self, lang: str) -> str:
        """Where the sentence in ``lang`` comes from, in ``lang``."""
        text, kind = getattr(self, f"{check_lang(lang)}_source")
        if kind == "original":
            return tr("Text {text}, quoted in the original", lang, text=text)
        return tr("Text {text}, translated by jahan", lang, text=text)


QUOTES: dict[int, Quote] = {
    1: Quote(
        en="Thanks to the common economic space, Kazakhstan will improve its geo-economic position "
        "and be the first country in Central Asia to break out of its continental isolation.",
        kk="Ортақ экономикалық кеңістіктің арқасында Қазақстан өзінің геоэкономикалық жағдайын "
        "жақсартып, Орталық Азияда құрлықтық оқшаулықтан бірінші болып шығатын ел болады.",
        ru="Благодаря единому экономическому пространству Казахстан улучшит своё геоэкономическое "
        "положение и станет первой страной Центральной Азии, вырвавшейся из континентальной изоляции.",
    ),
    2: Quote(
        en="First, economic integration within the CIS and the Customs Union will protect Kazakhstan "
        "from global economic crises.",
        kk="Біріншіден, ТМД мен Кеден одағы аясындағы экономикалық интеграция Қазақстанды жаһандық "
        "экономикалық дағдарыстардан қорғайды.",
        ru="Во-первых, экономическая интеграция в рамках СНГ и Таможенного союза защитит Казахстан "
        "от глобальных экономических кризисов.",
    ),
    3: Quote(
        en="Economically closed countries have no future.",
        kk="Экономикалық тұрғыдан тұйық елдердің болашағы жоқ.",
        ru="У экономически закрытых стран нет будущего.",
    ),
    4: Quote(
        en="In the global world, no country can be confident in its future if its neighbors are "
        "poor, unstable and exposed to risks.",
        kk="Жаһандық әлемде көршілері кедей, тұрақсыз және тәуекелдерге ұшыраған болса, ешбір ел "
        "өз болашағына сенімді бола алмайды.",
        ru="В глобальном мире ни одна страна не может быть уверена в своём будущем, если её соседи "
        "бедны, нестабильны и подвержены рискам.",
    ),
    5: Quote(
        en="Constant and severe economic competition increases the global inequality of States. The "
        "obvious economic and social division of the world into North and South limits the "
        "development of progress in many countries and peoples of the world.",
        kk="Назарбаев жаңа əлемдік тəртіптің пішінін жасайтын жаһанданудың көбіне дүниежүзілік "
        "қауымдастықтың айқын байқалатын теңсіздігімен шартталған көптеген жағымсыз салдарға ие "
        "болуы мүмкіндігіне назар аударды.",
        ru="Постоянная и жёсткая экономическая конкуренция усиливает глобальное неравенство "
        "государств. Очевидное экономическое и социальное разделение мира на Север и Юг "
        "ограничивает развитие прогресса во многих странах и у многих народов мира.",
        kk_source=("000", "original"),
    ),
    6: Quote(
        en="The unfair division of the benefits of humanity between regions of the world causes "
        "objective discontent among peoples, which is reflected in the growth of conflicts, "
        "terrorism, and armed conflicts on ethnic, social, and economic grounds.",
        kk="Сондықтан интеграциядан түсетін екіжақты пайдасына қарамастан, біреулердің қандай да "
        "бір салаға қосқан үлесі басқалардікіне қарағанда үлкенірек болып жатады.",
        ru="Несправедливое распределение благ человечества между регионами мира вызывает "
        "объективное недовольство народов, что отражается в росте конфликтов, терроризма и "
        "вооружённых столкновений на этнической, социальной и экономической почве.",
        kk_source=("000", "original"),
    ),
    7: Quote(
        en="Central Asian railway and road networks should be particularly important in achieving "
        "this goal.",
        kk="Бұл мақсатқа жетуде Орталық Азияның темір жол және автомобиль жолдары желілері ерекше "
        "маңызды болуы тиіс.",
        ru="Особенно важную роль в достижении этой цели должны сыграть железнодорожные и "
        "автомобильные сети Центральной Азии.",
    ),
    8: Quote(
        en="The next step may be the currency Union of the EurAsEC countries and the creation of a "
        "Eurasian supranational unit of account.",
        kk="Келесі қадам ЕурАзЭҚ елдерінің валюталық одағы және еуразиялық ұлттықтан жоғары есеп "
        "бірлігін құру болуы мүмкін.",
        ru="Следующим шагом может стать валютный союз стран ЕврАзЭС и создание евразийской "
        "наднациональной расчётной единицы.",
    ),
    9: Quote(
        en="The pressure and fashion of Western culture and languages carry the danger of destroying "
        "the most weakened, limited in distribution cultures of small peoples.",
        kk="Батыс құндылықтарының күшті экспансиясы «үшінші əлем» деп аталатын елдердің халықтарының, "
        "мəдениеттерінің, тілдерінің жəне сол сияқты құндылықтардың құлдырауына əкелуі мүмкін.",
        ru="Давление и мода западной культуры и языков несут опасность уничтожения наиболее "
        "ослабленных, ограниченных в распространении культур малых народов.",
        kk_source=("000", "original"),
    ),
    10: Quote(
        en="The development of regional integration processes requires the following conditions: "
        "geographic proximity, stable economic development, similar political systems, public "
        "support for integration, relative cultural homogeneity, similar historical and social "
        "development, comparable forms of government and economic systems, close levels of "
        "military development and economic resources, a shared perception of common external "
        "threats, a comparable structure of the state apparatus, and experience of cooperation.",
        kk="Аймақтық интеграциялық үрдістерді дамыту үшін келесі жағдайлар қажет: географиялық "
        "жақындық, тұрақты экономикалық даму, саяси жүйелердің ұқсастығы, қоғамдық пікірмен "
        "интеграцияны қолдау, мəдениет аясындағы салыстырмалы біртектілік, тарихи жəне "
        "əлеуметтік дамудың ұқсастығы, басқару мен экономикалық жүйелердің салыстырмалы "
        "нысандары, əскери дамуы мен экономикалық қорлардың жақын деңгейі, ортақ сыртқы "
        "қауіптерді бірдей қабылдау, мемлекеттік аппараттың салыстырмалы құрылымы, ықпалдасу "
        "тəжірибесінің болуы.",
        ru="Для развития региональных интеграционных процессов необходимы следующие условия: "
        "географическая близость, стабильное экономическое развитие, сходство политических "
        "систем, поддержка интеграции общественным мнением, относительная культурная "
        "однородность, сходство исторического и социального развития, сопоставимые формы "
        "управления и экономических систем, близкий уровень военного развития и экономических "
        "ресурсов, одинаковое восприятие общих внешних угроз, сопоставимая структура "
        "государственного аппарата, наличие опыта взаимодействия.",
        en_source=("000", "translation"),
        kk_source=("000", "original"),
        ru_source=("000", "translation"),
    ),
}


__all__ = ["QUOTES", "Quote"]
