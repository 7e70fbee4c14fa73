"""The demo knowledge base: what a wholesale food rep needs to answer during a call.
(title, topic, summary, body, keywords, names of products it is about)."""

ARTICLES = [
    (
        "HACCP : les 7 principes en deux minutes",
        "hygiene",
        "La méthode que tout restaurateur doit appliquer et pouvoir montrer en cas de contrôle.",
        "Le paquet hygiène (règlement CE 852/2004) impose à tout professionnel de l'alimentation un plan "
        "de maîtrise sanitaire fondé sur les principes HACCP.\n\n"
        "1. Analyser les dangers (biologiques, chimiques, physiques, allergènes).\n"
        "2. Déterminer les points critiques (cuisson, refroidissement, stockage au froid).\n"
        "3. Fixer les limites critiques (par exemple +63 °C en liaison chaude).\n"
        "4. Surveiller (relevés de températures).\n5. Prévoir les actions correctives.\n"
        "6. Vérifier que le système fonctionne.\n7. Tout enregistrer et archiver.\n\n"
        "À dire au client : nos fiches techniques indiquent la conservation et les allergènes de chaque "
        "article, elles s'intègrent à son plan de maîtrise sanitaire.",
        "HACCP PMS plan de maîtrise sanitaire paquet hygiène contrôle DDPP",
        [],
    ),
    (
        "Hygiène en cuisine : marche en avant et nettoyage",
        "hygiene",
        "Séparer le propre et le sale, nettoyer puis désinfecter.",
        "La marche en avant évite que les produits propres croisent les produits souillés : réception, "
        "stockage, préparation, cuisson, service, sans retour en arrière. Quand les locaux ne le permettent "
        "pas, on sépare dans le temps (nettoyage entre deux activités).\n\n"
        "Nettoyer (détergent) retire les salissures ; désinfecter (produit virucide et bactéricide, norme "
        "EN 1276) tue les micro-organismes. Un détergent-désinfectant fait les deux en une fois mais "
        "demande le temps de contact indiqué sur l'étiquette.\n\n"
        "Proposez le plan de nettoyage : sols, plans de travail, plonge, mains.",
        "nettoyage désinfection détergent plan de nettoyage marche en avant",
        ["Détergent sols", "Liquide vaisselle main", "Savon doux mains"],
    ),
    (
        "Lavage des mains : quand et comment",
        "hygiene",
        "Savon doux, essuie-mains à usage unique, 30 secondes.",
        "Lavage obligatoire à la prise de poste, après les toilettes, après avoir manipulé des déchets, "
        "des œufs coquille ou des produits crus, et entre deux tâches. Le lave-mains doit être à commande "
        "non manuelle, avec savon et essuie-mains à usage unique. Le gel hydroalcoolique ne remplace pas "
        "le lavage sur des mains sales.",
        "mains savon lave-mains gel",
        ["Savon doux mains"],
    ),
    (
        "Chaîne du froid : les températures à respecter",
        "cold_chain",
        "Frais entre 0 et +4 °C, surgelés à -18 °C, jamais de recongélation.",
        "Températures maximales de conservation :\n"
        "- viandes hachées et abats : +2 °C ;\n- viandes, volailles, charcuterie : +4 °C ;\n"
        "- produits laitiers frais, crème, beurre : +4 à +6 °C selon l'étiquette ;\n"
        "- poissons frais : 0 à +2 °C (sous glace) ;\n- surgelés : -18 °C, tolérance -15 °C au transport.\n\n"
        "Nos camions sont bi-température et enregistrent les températures : en cas de doute, le client "
        "demande le relevé à la livraison. Un produit surgelé décongelé ne se recongèle jamais.",
        "froid température surgelé frais camion frigorifique -18",
        ["Steak haché 15 % MG", "Filet de poulet", "Frites 9/9 mm"],
    ),
    (
        "Réception des marchandises : que contrôler ?",
        "cold_chain",
        "Température, emballage, DLC, quantités, avant de signer le bon.",
        "À la livraison, le client contrôle : la température des produits frais (thermomètre sonde ou "
        "infrarouge) et surgelés, l'état des emballages, les dates (DLC/DDM), les quantités par rapport au "
        "bon de livraison.\n\nEn cas d'anomalie, il écrit une réserve précise sur le bon de livraison "
        "(« 2 cartons écrasés », « produit à +9 °C ») et refuse le produit si la chaîne du froid est rompue. "
        "Sans réserve écrite, la réclamation est beaucoup plus difficile à accepter.",
        "livraison réception réserve bon de livraison contrôle",
        [],
    ),
    (
        "Les 14 allergènes à déclarer",
        "allergens",
        "Liste de l'annexe II du règlement INCO 1169/2011.",
        "Gluten (blé, seigle, orge, avoine, épeautre, kamut), crustacés, œufs, poissons, arachides, soja, "
        "lait, fruits à coque (amandes, noisettes, noix, cajou, pécan, pistaches, macadamia), céleri, "
        "moutarde, graines de sésame, anhydride sulfureux et sulfites (au-delà de 10 mg/kg), lupin, "
        "mollusques.\n\nChaque fiche technique de notre catalogue indique les allergènes de l'article : "
        "envoyez-la au client qui construit son registre.",
        "allergènes INCO liste gluten lait œufs arachide",
        ["Farine de blé T55", "Œufs frais calibre M", "Moutarde de Dijon"],
    ),
    (
        "Règlement INCO 1169/2011 : l'obligation d'information des restaurateurs",
        "allergens",
        "Depuis 2015, les allergènes doivent être indiqués par écrit, même pour les plats non emballés.",
        "Le règlement européen INCO 1169/2011 et le décret français 2015-447 obligent restaurants, "
        "cantines, traiteurs et boulangers à informer le consommateur des allergènes présents dans les "
        "denrées non préemballées. L'information doit être écrite et accessible avant la commande (carte, "
        "classeur, affichage) ; une simple information orale ne suffit pas.\n\n"
        "Notre rôle : fournir des fiches techniques à jour. Si un fournisseur change une recette, nous "
        "prévenons les clients qui achètent l'article.",
        "INCO 1169/2011 décret 2015-447 information consommateur étiquetage restauration",
        [],
    ),
    (
        "Allergènes : éviter les contaminations croisées",
        "allergens",
        "Ustensiles dédiés, stockage séparé, étiquetage.",
        "Pour un plat « sans gluten » ou « sans arachide », il faut éviter la contamination croisée : "
        "plans de travail nettoyés avant, ustensiles dédiés, stockage en boîtes fermées et étiquetées, "
        "friteuse séparée. Les mentions « peut contenir » sur nos fiches techniques signalent un risque "
        "dans l'usine du fabricant.",
        "contamination croisée traces peut contenir sans gluten",
        [],
    ),
    (
        "Produits d'entretien : sécurité d'emploi",
        "safety",
        "Ne jamais mélanger, porter des gants, lire la fiche de données de sécurité.",
        "Ne jamais mélanger eau de Javel et produit acide (détartrant) : dégagement de chlore toxique. "
        "Stocker les produits d'entretien à l'écart des denrées, dans leur emballage d'origine. Porter "
        "gants et lunettes pour les produits corrosifs (pictogramme GHS05).\n\n"
        "La fiche de données de sécurité (FDS) est disponible sur demande auprès du service qualité : "
        "le client doit pouvoir la présenter à l'inspection du travail.",
        "sécurité FDS fiche de données de sécurité javel corrosif pictogramme",
        ["Détergent sols", "Liquide vaisselle main"],
    ),
    (
        "DLC et DDM : quelle différence ?",
        "hygiene",
        "La DLC est une date limite sanitaire, la DDM une date de qualité.",
        "DLC (« à consommer jusqu'au ») : au-delà, le produit ne doit plus être servi ni vendu ; elle "
        "concerne les produits frais périssables (viandes, laitiers frais).\n\n"
        "DDM (« à consommer de préférence avant ») : au-delà, le produit reste consommable mais peut "
        "perdre en goût ou en texture ; elle concerne l'épicerie, les conserves, les surgelés.\n\n"
        "Nous livrons les produits frais avec au moins deux tiers de leur durée de vie restante.",
        "DLC DDM date limite consommation durabilité minimale",
        [],
    ),
    (
        "Gérer un retour de marchandise",
        "procedure",
        "Réserve à la livraison, réclamation dans les 48 heures, avoir ou remplacement.",
        "1. Le client a écrit une réserve sur le bon de livraison (ou signale un défaut caché dès qu'il le "
        "découvre).\n2. Le télévendeur ouvre une réclamation depuis la fiche client (touche e) en cochant "
        "les lignes concernées, avec une photo si possible.\n3. La logistique reprend la marchandise à la "
        "tournée suivante ; pas de reprise des produits frais entamés.\n4. Le règlement (avoir, "
        "remplacement, geste commercial) est décidé dans la limite de l'autorité de chacun.\n\n"
        "Ne promettez jamais un avoir avant la décision : annoncez le délai de réponse.",
        "retour reprise avoir réclamation procédure",
        [],
    ),
    (
        "Franco de port et minimum de commande",
        "terms",
        "Franco à 250 € HT, minimum 120 € HT, sinon 15 € de frais de livraison.",
        "Toute commande est livrée gratuitement à partir de 250 € HT. Entre 120 € et 250 € HT, une "
        "participation de 15 € HT aux frais de livraison s'applique. En dessous de 120 € HT, la commande "
        "n'est pas acceptée, sauf dépannage validé par le superviseur.\n\n"
        "Argument : proposer au client de compléter avec un article habituel qui arrive à échéance plutôt "
        "que de payer des frais de port.",
        "franco port minimum frais de livraison montant",
        [],
    ),
    (
        "Heures limites de commande (cut-off)",
        "procedure",
        "Commande passée avant 16 h, livrée le lendemain.",
        "Les commandes confirmées avant 16 h sont préparées la nuit et livrées le lendemain, du lundi au "
        "vendredi, dans la tournée du client. Après 16 h, la livraison glisse au jour de tournée suivant.\n\n"
        "Les articles à délai (commandés au fournisseur) ajoutent leur délai de mise à disposition : "
        "l'écran de commande propose directement la bonne date.",
        "cut-off heure limite livraison lendemain tournée",
        [],
    ),
    (
        "Conditions de paiement",
        "terms",
        "30 jours fin de mois par défaut, prélèvement conseillé.",
        "Les nouveaux clients paient comptant ou par prélèvement pour les trois premières commandes. "
        "Ensuite : 30 jours fin de mois par prélèvement ou virement. Les délais sont plafonnés par la loi "
        "(article L441-10 du Code de commerce) ; pour les denrées périssables, 30 jours après la fin de la "
        "décade de livraison.\n\nUn retard de paiement entraîne des pénalités et une indemnité forfaitaire "
        "de 40 € ; au-delà de 15 jours de retard, les commandes peuvent être bloquées.",
        "paiement délai prélèvement LME échéance pénalités",
        [],
    ),
    (
        "Remises et gestes commerciaux : qui décide ?",
        "terms",
        "Le télévendeur dans sa limite, au-delà le superviseur.",
        "Chaque télévendeur a une limite de remise (visible dans son profil). Une remise au-delà part en "
        "validation chez le superviseur depuis l'écran de commande. Préférez un article offert ou une "
        "promotion en cours à une remise sur le prix de base : c'est moins coûteux et plus lisible pour le "
        "client.",
        "remise geste commercial validation superviseur promotion",
        [],
    ),
    (
        "Choisir sa farine : T45, T55, T65",
        "product",
        "Le type indique le taux de cendres : plus il est élevé, plus la farine est complète.",
        "T45 : farine blanche, pour la pâtisserie fine et les viennoiseries.\n"
        "T55 : la farine de tradition pour le pain blanc, les pâtes à pizza et les tartes.\n"
        "T65 : pain de campagne, plus de goût.\nT80 à T150 : farines bise et complète.\n\n"
        "Conservation : au sec, à l'abri des nuisibles, sacs fermés. Allergène : gluten.",
        "farine T45 T55 T65 boulangerie pâtisserie pain",
        ["Farine de blé T55", "Levure boulangère"],
    ),
    (
        "Beurre doux, demi-sel, pâtissier : lequel conseiller ?",
        "product",
        "82 % de matière grasse minimum ; le beurre de tourage pour les feuilletages.",
        "Le beurre doux convient à la cuisine et à la pâtisserie. Le demi-sel (entre 0,5 et 3 % de sel) "
        "est apprécié en Bretagne et pour les caramels. Pour les croissants et pâtes feuilletées, le "
        "beurre de tourage, plus ferme, facilite le travail.\n\n"
        "Conservation entre +2 et +6 °C, à l'abri de la lumière et des odeurs. Allergène : lait.",
        "beurre doux demi-sel tourage pâtisserie viennoiserie",
        ["Beurre doux", "Beurre demi-sel"],
    ),
    (
        "Crème fraîche ou crème liquide ?",
        "product",
        "Liquide UHT 35 % pour la chantilly, épaisse pour lier.",
        "La crème liquide UHT à 35 % de matière grasse monte en chantilly (bien froide, à +4 °C). La crème "
        "fraîche épaisse, maturée, lie les sauces et supporte l'ébullition. Les crèmes allégées à 15 % ne "
        "montent pas et tranchent à la cuisson.\n\nAllergène : lait.",
        "crème chantilly sauce matière grasse",
        ["Crème liquide UHT 35 %", "Crème fraîche épaisse 35 %", "Crème fraîche -15 %"],
    ),
    (
        "Les fromages à la coupe et râpés",
        "product",
        "Comté, emmental, mozzarella : conseils d'usage et de conservation.",
        "Comté AOP : affiné 12 mois au minimum pour notre référence, au goût fruité ; pour les plateaux et "
        "les gratins. Emmental râpé : fondant, pour gratins et croque-monsieur. Mozzarella : pizza et "
        "salades, à consommer rapidement après ouverture.\n\n"
        "Conservation entre +2 et +8 °C selon l'étiquette. Allergène : lait.",
        "fromage comté emmental mozzarella AOP",
        ["Comté AOP 12 mois", "Emmental râpé", "Mozzarella"],
    ),
    (
        "Café : grains, mouture et rendement",
        "product",
        "Un kilo de grains donne environ 140 expressos.",
        "Avec 7 g par expresso, un kilo de café en grains donne 140 tasses. Le broyage à la demande garde "
        "les arômes : conseillez les grains aux cafés et restaurants équipés d'un moulin. Conserver au sec, "
        "paquet fermé, et consommer dans les deux semaines après ouverture.\n\n"
        "Argument : le prix par tasse (souvent moins de 0,15 €) parle plus au client que le prix au kilo.",
        "café grains expresso mouture rendement tasse",
        ["Café en grains", "Sucre en poudre"],
    ),
    (
        "Œufs : catégories et conservation",
        "product",
        "Code 0 bio, 1 plein air, 2 au sol, 3 en cage.",
        "Le premier chiffre du code imprimé sur la coquille indique le mode d'élevage. Calibre M : 53 à "
        "63 g. Conserver à température stable (idéalement moins de +18 °C), ne pas laver les œufs. Pour les "
        "préparations sans cuisson (mayonnaise, tiramisu), les ovoproduits pasteurisés sont plus sûrs en "
        "restauration collective.\n\nAllergène : œufs.",
        "œufs calibre code élevage ovoproduits",
        ["Œufs frais calibre M"],
    ),
    (
        "Steak haché : règles d'hygiène",
        "cold_chain",
        "Conservation à +2 °C, cuisson à cœur pour les enfants.",
        "La viande hachée est le produit le plus sensible : conservation à +2 °C maximum, utilisation le "
        "jour de l'ouverture. En restauration collective et pour les enfants, cuisson à cœur obligatoire "
        "(+70 °C) à cause du risque E. coli.",
        "steak haché viande cuisson à cœur",
        ["Steak haché 15 % MG"],
    ),
    (
        "Surgelés : décongélation sans risque",
        "cold_chain",
        "Au réfrigérateur, jamais à température ambiante.",
        "Décongeler en chambre froide à +4 °C (prévoir 24 h), ou cuire directement à partir du produit "
        "surgelé (frites, légumes). Un produit décongelé se consomme sous 24 h et ne se recongèle pas. "
        "Les frites surgelées se cuisent sans décongélation, huile à 175 °C.",
        "surgelé décongélation frites légumes",
        ["Frites 9/9 mm", "Épinards en branches"],
    ),
    (
        "Relancer un compte inactif",
        "procedure",
        "Rappeler la relation, demander ce qui a changé, proposer une offre de retour.",
        "Un client qui ne commande plus a souvent une raison : un concurrent moins cher, un incident non "
        "réglé, un changement de chef. Ouvrez l'historique avant l'appel, demandez ce qui a changé sans "
        "vous justifier, notez le concurrent et son prix, et proposez l'offre de relance en cours. "
        "Envoyez ensuite la documentation promise depuis la fiche (« Envoyer de la documentation »).",
        "relance inactif reconquête concurrent offre",
        [],
    ),
    (
        "Eaux minérales et gazeuses : consigne et stockage",
        "product",
        "Stocker à l'abri de la lumière et des odeurs, jamais au soleil.",
        "Les bouteilles en plastique se stockent à l'abri du soleil et loin des produits odorants "
        "(détergents). Les verres consignés sont repris à la livraison suivante : le chauffeur note le "
        "nombre de casiers sur le bon.",
        "eau minérale gazeuse consigne verre stockage",
        ["Eau minérale naturelle", "Eau gazeuse"],
    ),
]
