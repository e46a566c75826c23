## Interface commune
brand-tagline = Demandes de service
skip-to-content = Aller au contenu
switch-language = English
sign-out = Se déconnecter
nav-label = Navigation principale
nav-my-requests = Mes demandes
nav-new-request = Nouvelle demande
nav-unit-requests = Demandes de mon unité
nav-queue = File de travail
footer-text = Guichet — centre de services scolaire. Vos renseignements personnels sont protégés (Loi 25).
back-home = Retour à l'accueil
yes = Oui
nobody = Personne
system-actor = Guichet
size-bytes = { $n } octets

## Connexion
sign-in-title = Se connecter
sign-in-intro = Connectez-vous avec votre adresse courriel professionnelle.
email-label = Adresse courriel
password-label = Mot de passe
sign-in = Se connecter
sign-in-failed = Adresse courriel ou mot de passe incorrect.

## Erreurs
error-title-403 = Accès refusé
error-title-404 = Page introuvable
error-title-500 = Une erreur est survenue
error-title-other = Demande impossible
error-code = Code d'erreur : { $status }
error-not-found = Cette page n'existe pas ou vous n'y avez pas accès.
error-unauthenticated = Veuillez vous connecter pour continuer.
error-forbidden = Vous n'avez pas la permission de faire cette action.
error-invalid = Certains champs sont à corriger.
error-bad-request = La requête est mal formée : { $detail }
error-conflict = Cet élément existe déjà.
error-throttled = Trop de tentatives de connexion. Réessayez dans quelques minutes.
error-csrf = Le formulaire a expiré. Rechargez la page et réessayez.
error-too-large = Le contenu envoyé est trop volumineux.
error-unavailable = Le service est momentanément surchargé. Réessayez dans un instant.
error-internal = Une erreur inattendue est survenue. L'équipe technique en a été informée.

## Validation des champs
field-required = Ce champ est obligatoire.
field-too-long = Ce texte dépasse { $max } caractères.
field-text = Entrez du texte.
field-number = Entrez un nombre (par exemple 12 ou 12,5).
field-min = La valeur doit être d'au moins { $min }.
field-max = La valeur doit être d'au plus { $max }.
field-date = Entrez une date valide (AAAA-MM-JJ).
field-datetime = Entrez une date et une heure valides.
field-time = Entrez une heure valide (par exemple 08:30).
field-choice = Choisissez une des options proposées.
field-checkbox = Cochez ou décochez la case.
field-unit-yours = Choisissez une de vos unités (son code, tel que GET /api/v1/request-choices les donne).
field-room = Choisissez un local de votre unité (dans l'API : son identifiant, donné par /api/v1/request-choices).
field-unknown = Ce champ n'existe pas dans le formulaire de cette catégorie.
field-cursor = Ce lien de pagination n'est plus valide.
field-between = La valeur doit être comprise entre { $min } et { $max }.
field-file = Choisissez un fichier à joindre.
field-file-too-large = Le fichier dépasse la taille permise de { $max } Mo.

## Règles
request-no-unit = Votre compte n'est rattaché à aucune unité administrative : vous ne pouvez pas encore soumettre de demande.
request-final = Cette demande est fermée ou annulée : elle ne peut plus être modifiée.
transition-same = La demande a déjà ce statut.
transition-not-allowed = Une demande « { $from } » ne peut pas passer à « { $to } ».
transition-reopen-too-late = Le délai de { $days } jours pour rouvrir cette demande est écoulé. Soumettez une nouvelle demande.
transition-needs-resolution = Décrivez la résolution avant de résoudre la demande.
transition-needs-note = Une note est obligatoire pour ce changement de statut.
transition-by-approval = Ce changement se fait par l'approbation de la demande.
approval-not-pending = Cette demande n'attend aucune approbation.
approval-reason-required = Indiquez la raison du refus.
workflow-needs-new = Le processus doit avoir un état de type « nouvelle ».
workflow-needs-cancelled = Le processus doit avoir un état de type « annulée » (pour les refus et les annulations).
workflow-approval-exit = L'état « { $state } » attend une approbation : une transition « prise à l'approbation » doit en sortir.
workflow-state-in-use = { $n ->
    [one] Une demande est à l'état « { $state } » : il ne peut pas être retiré ni changer de type.
   *[other] { $n } demandes sont à l'état « { $state } » : il ne peut pas être retiré ni changer de type.
}
assign-team-domain = Cette équipe ne traite pas ce domaine.
assign-not-member = Cette personne ne fait pas partie de l'équipe choisie.

## Valeurs
status = { $code ->
    [new] Nouvelle
    [in_progress] En traitement
    [waiting_requester] En attente du demandeur
    [resolved] Résolue
    [closed] Fermée
    [cancelled] Annulée
    [awaiting_approval] En attente d'approbation
    [waiting_supplier] En attente d'un fournisseur
    [carrier_confirmed] Transporteur confirmé
   *[other] { $code }
}
priority = { $code ->
    [low] Basse
    [normal] Normale
    [high] Haute
    [urgent] Urgente
   *[other] { $code }
}
domain = { $code ->
    [materiel] Ressources matérielles
    [ti] Technologies de l'information
    [transport] Transport
   *[other] { $code }
}
sort = { $code ->
    [newest] Plus récentes d'abord
    [oldest] Plus anciennes d'abord
    [updated] Dernière mise à jour
    [due] Échéance la plus proche
    [priority] Priorité
   *[other] { $code }
}

## Listes
my-requests-title = Mes demandes
unit-requests-title = Demandes de mon unité
queue-title = File de travail
my-requests-empty = Aucune demande ne correspond. Pour obtenir de l'aide, soumettez une nouvelle demande.
queue-empty = Aucune demande ne correspond à ces filtres.
filters-label = Filtrer les demandes
filter-open = Ouvertes
filter-all = Toutes
filter-any = Tous
filter-apply = Filtrer
search-label = Rechercher (mots ou numéro)
sort-label = Trier par
assignee-me = Moi
assignee-none = Non assignées
col-number = Numéro
col-title = Titre
col-status = Statut
col-priority = Priorité
col-unit = Unité
col-assignee = Responsable
col-updated = Mise à jour
col-domain = Domaine
col-team = Équipe
col-category = Catégorie
col-room = Local
col-requester = Personne demanderesse
col-created = Soumise le
col-resolved = Résolue le
pagination-label = Pagination
first-page = Première page
next-page = Page suivante

## Nouvelle demande
new-request-title = Nouvelle demande
choose-domain = À quel service s'adresse votre demande ?
choose-category = Choisissez la catégorie qui décrit le mieux votre besoin.
change-domain = Changer de domaine ou de catégorie
required-legend = Les champs marqués d'un astérisque (*) sont obligatoires.
form-has-errors = Le formulaire contient des erreurs. Corrigez les champs indiqués ci-dessous.
field-title = Titre
field-description = Description
field-unit = Unité administrative
choose-option = — Choisir —
submit-request = Soumettre la demande

## Page d'une demande
description-heading = Description
no-description = Aucune description.
timeline-heading = Historique
internal-note = Note interne
event-created = A soumis la demande.
event-status = Statut : { $from } → { $to }.
event-status-auto = Statut : { $from } → { $to } (réponse du demandeur).
event-assigned = A modifié l'assignation.
event-attachment = A joint un fichier :
comment-heading = Ajouter un commentaire
comment-label = Commentaire
internal-label = Note interne (jamais visible par la personne demanderesse)
comment-submit = Publier
details-heading = Détails
status-heading = Statut
status-action-label = Action
note-label = Note
note-help = Obligatoire pour résoudre (décrivez la résolution), mettre en attente (votre question), annuler ou rouvrir (la raison).
status-submit = Appliquer
action-to = { $code ->
    [in_progress] Mettre en traitement
    [waiting_requester] Mettre en attente du demandeur
    [waiting_supplier] Mettre en attente d'un fournisseur
    [carrier_confirmed] Confirmer le transporteur
    [resolved] Résoudre
    [closed] Fermer
    [cancelled] Annuler la demande
   *[other] Passer à « { $label } »
}
action-reopen = Rouvrir la demande
action-confirm = Confirmer la résolution
assign-heading = Assignation
assign-me = M'assigner cette demande
assign-submit = Assigner
attachments-heading = Pièces jointes
no-attachments = Aucune pièce jointe.
attach-label = Fichier à joindre
attach-help = Taille maximale : { $max } Mo.
attach-submit = Téléverser
flash-created = Votre demande a été soumise. Vous pouvez suivre son traitement ici.
flash-comment = Votre commentaire a été publié.
flash-transition = Le statut a été mis à jour.
flash-assign = L'assignation a été mise à jour.
flash-attachment = Le fichier a été joint à la demande.

## Administration
nav-admin = Administration
admin-nav-label = Sections de l'administration
admin-units = Unités administratives
admin-users = Personnes
admin-teams = Équipes de soutien
admin-categories = Catégories
admin-search = Rechercher (nom ou courriel)
admin-empty = Rien à afficher pour l'instant.
admin-back = Retour à la liste
admin-save = Enregistrer
admin-remove = Retirer
admin-active = Actif
admin-inactive = Inactif
admin-state = État
admin-name = Nom
admin-code = Code
admin-code-help = Lettres minuscules, chiffres et tirets; il ne pourra plus être modifié.
admin-kind = Type d'unité
admin-none = — Aucune —
admin-name-fr = Nom en français
admin-name-en = Nom en anglais
admin-parent = Unité parente
admin-locale = Langue
admin-new-unit = Nouvelle unité
admin-new-user = Nouvelle personne
admin-new-password = Nouveau mot de passe
admin-password-help = Au moins 12 caractères. Laissez vide pour ne rien changer (ou pour une connexion par authentification unique).
admin-role = Rôle
admin-roles = Rôles par unité
admin-no-roles = Aucun rôle : cette personne ne peut rien faire dans Guichet.
admin-add-role = Ajouter le rôle
admin-lead = Responsable de l'équipe
admin-new-team = Nouvelle équipe
admin-members = Membres
admin-no-members = Aucun membre.
admin-add-member = Ajouter le membre
admin-form = Formulaire
admin-field-count = { $n ->
    [0] aucun champ
    [one] 1 champ
   *[other] { $n } champs
}
admin-new-category = Nouvelle catégorie
admin-description-fr = Description en français
admin-description-en = Description en anglais
admin-default-team = Équipe par défaut
admin-default-priority = Priorité par défaut
admin-position = Ordre d'affichage
admin-form-help = Champs supplémentaires, en JSON : {"{"}"fields": [{"{"}"key": "local", "label_fr": "Local", "label_en": "Room", "type": "room", "required": true{"}"}]{"}"}. Types : text, long_text, number, date, datetime, time, select (avec options), checkbox, room, asset.
unit-kind = { $code ->
    [school] École
    [vocational_centre] Centre de formation professionnelle
    [adult_centre] Centre d'éducation des adultes
    [service] Service
    [general_direction] Direction générale
   *[other] { $code }
}
role = { $code ->
    [requester] Demandeur
    [unit_manager] Direction d'unité
    [technician] Technicien·ne
    [service_manager] Gestionnaire de service
    [admin] Administrateur
    [auditor] Responsable PRP
   *[other] { $code }
}
field-code = Utilisez de 2 à 40 lettres minuscules, chiffres, tirets ou soulignés.
field-code-taken = Ce code est déjà utilisé.
field-length = Entrez de { $min } à { $max } caractères.
field-email = Entrez une adresse courriel valide.
field-email-taken = Une personne a déjà cette adresse courriel.
field-password = Le mot de passe doit compter au moins { $min } caractères.
field-person-unknown = Aucune personne active n'a cette adresse courriel.
field-form = Le formulaire n'est pas valide : { $detail }
user-cannot-deactivate-self = Vous ne pouvez pas désactiver votre propre compte.
user-cannot-remove-own-admin = Vous ne pouvez pas retirer votre propre rôle d'administrateur.
team-lead-must-stay = Choisissez un autre responsable avant de retirer cette personne de l'équipe.
admin-rooms = Immeubles et locaux
admin-no-rooms = Aucun local : les formulaires qui demandent un local ne pourront rien proposer.
admin-add-room = Ajouter le local
admin-building = Immeuble
admin-room-name = Usage du local (facultatif)
field-room-taken = Ce local existe déjà dans cet immeuble.
watchers-heading = Personnes en copie
no-watchers = Aucune personne en copie.
watcher-email = Adresse courriel de la personne à mettre en copie
watcher-add = Mettre en copie
flash-watchers = Les personnes en copie ont été mises à jour.

## Entente de niveau de service
sla-heading = Entente de niveau de service (ENS)
sla-first-response = Délai de première réponse
sla-resolution = Délai de résolution
sla-breached = Délai dépassé
sla-met = Respecté
sla-paused = En pause
sla-running = En cours
sla-paused-since = En pause depuis le { $since }
sla-why = Pourquoi cette échéance ?
sla-why-policy = Politique « { $policy } », calculée en heures ouvrables du calendrier « { $calendar } » (jours fériés du Québec exclus), à partir de la soumission.
sla-why-first = Première réponse : { $target } ouvrables après la soumission.
sla-why-resolution = Résolution : { $target } ouvrables, plus { $paused } ouvrables passées en attente du demandeur ou après une résolution.
sla-due-then = échéance : { $due }
sla-paused-for = { $duration } en pause
sla-event = { $clock ->
    [first_response] Première réponse
   *[resolution] Résolution
} : { $kind ->
    [started] délai démarré
    [paused] délai mis en pause
    [resumed] délai repris
    [target_changed] cible modifiée (priorité)
    [met] délai respecté
    [breached] délai dépassé
   *[stopped] délai arrêté
}
event-sla = { $kind ->
    [sla_breach] Délai dépassé
   *[sla_warning] Échéance proche
} : { $clock ->
    [first_response] délai de première réponse
   *[resolution] délai de résolution
}.
col-due = Échéance
priority-submit = Changer la priorité
flash-priority = La priorité a été changée; les échéances ont été recalculées.
event-priority = Priorité : { $from } → { $to }.
sla-admin-policies = Politiques d'ENS
sla-admin-calendars = Calendriers
sla-admin-new-policy = Nouvelle politique
sla-admin-new-calendar = Nouveau calendrier
sla-admin-calendar = Calendrier
sla-admin-default = Par défaut
sla-admin-default-col = Politique par défaut
sla-admin-is-default = Politique par défaut (pour les catégories sans politique)
sla-admin-warning = Avertissement à (% du délai)
sla-admin-warning-help = Une alerte est envoyée quand cette part du délai est écoulée (par exemple 75).
sla-admin-first = Première réponse — priorité { $priority } (heures ouvrables)
sla-admin-resolution = Résolution — priorité { $priority } (heures ouvrables)
sla-admin-tz = Fuseau horaire
sla-admin-definition = Définition (JSON)
sla-admin-definition-help = "tz" (fuseau horaire), "week" (7 jours à partir du lundi, intervalles ["07:30","16:30"]), "periods" (horaires d'été : "from", "to", "week"), "quebec_holidays" (jours fériés du Québec), "days_off" (fermetures, AAAA-MM-JJ).
sla-default-needed = Une politique doit rester la politique par défaut : choisissez-en une autre d'abord.
field-hours = Entrez un nombre d'heures supérieur à 0 (par exemple 4 ou 0,5).
field-calendar = Le calendrier n'est pas valide : { $detail }
admin-sla-policy = Politique d'ENS
admin-sla-default-policy = — Politique par défaut —
sla-admin-escalate-priority = Escalade au dépassement : hausser la priorité d'un cran
sla-admin-escalate-team = Escalade au dépassement : confier la demande à l'équipe

## Processus et approbations
admin-workflow = Processus
admin-approval = Approbation
approval-mode = { $code ->
    [none] Aucune approbation
    [director] Par la direction de l'unité demanderesse
    [group] Par un groupe nommé
    [director_then_group] Par la direction, puis par un groupe nommé
   *[other] { $code }
}
admin-approval-group = Groupe approbateur
admin-approval-field = Champ du seuil
admin-approval-field-help = Code d'un champ numérique du formulaire (p. ex. cout_estime). Laissez vide pour toujours demander l'approbation.
admin-approval-threshold = Seuil (approbation au-delà de ce montant)
admin-confidential = Catégorie confidentielle
admin-confidential-help = Réservée à la personne demanderesse, aux groupes nommés et aux auditeurs.
field-approval-field = Choisissez un champ numérique du formulaire.
field-approval-group = Choisissez le groupe qui approuve.
nav-approvals = À approuver
approvals-title = Demandes à approuver
approvals-intro = Ces demandes attendent votre décision avant que le travail commence.
approvals-empty = Aucune demande n'attend votre approbation.
approval-heading = Approbation
approval-approver = { $code ->
    [director] Direction de l'unité
    [group] Groupe
   *[other] { $code }
}
approval-status = { $code ->
    [waiting] À venir
    [pending] En attente de décision
    [approved] Approuvée
    [refused] Refusée
    [withdrawn] Retirée
   *[other] { $code }
}
approval-comment-label = Commentaire
approval-comment-help = Obligatoire pour refuser : la raison est transmise à la personne demanderesse.
approval-approve = Approuver
approval-refuse = Refuser
approval-decided = { $who }, { $when }
flash-approved = Votre approbation est enregistrée.
flash-refused = Le refus est enregistré; la demande est annulée.
event-approval-requested = Approbation demandée.
event-approved = A approuvé la demande.
event-refused = A refusé la demande.
event-status-approval = Statut : { $from } → { $to } (décision d'approbation).
col-requested-by = Demandé par
col-step = Étape
event-automation = Règle automatique « { $rule } » appliquée.
wf-admin-workflows = Processus
wf-admin-new = Nouveau processus
wf-admin-states = États
wf-admin-copy-from = À partir de
wf-admin-copy-help = Les états et transitions de ce processus sont copiés; vous les adaptez ensuite.
wf-admin-diagram = États et transitions
wf-admin-no-transitions = Aucune transition ne part de cet état.
wf-admin-problems = À corriger avant d'utiliser ce processus :
wf-admin-add-state = Ajouter ou modifier un état
wf-admin-save-state = Enregistrer l'état
wf-admin-state-code-help = Lettres minuscules, chiffres et _ ; saisissez le code d'un état existant pour modifier ses libellés ou son type.
wf-admin-label-fr = Libellé en français
wf-admin-label-en = Libellé en anglais
wf-admin-kind = Type
wf-admin-add-transition = Ajouter ou modifier une transition
wf-admin-save-transition = Enregistrer la transition
wf-admin-from = De
wf-admin-to = Vers
wf-admin-note-required = Note obligatoire
wf-admin-on-approval = Prise à l'approbation
wf-admin-on-approval-help = La transition est appliquée quand la demande est approuvée; personne ne la déclenche à la main.
wf-admin-requests = { $n ->
    [0] aucune demande
    [one] 1 demande
   *[other] { $n } demandes
}
wf-kind = { $code ->
    [new] nouvelle
    [open] en cours
    [pending] en attente (suspend le délai)
    [approval] approbation (suspend le délai)
    [resolved] résolue
    [closed] fermée
    [cancelled] annulée
   *[other] { $code }
}
wf-role = { $code ->
    [requester] personne demanderesse
    [unit_manager] direction d'unité
    [technician] technicien ou technicienne
    [service_manager] gestionnaire de service
   *[other] { $code }
}
admin-groups = Groupes
admin-new-group = Nouveau groupe
field-state-code = Lettres minuscules, chiffres et _, de 2 à 40 caractères, en commençant par une lettre.
field-transition-roles = Cochez au moins un rôle, ou « Prise à l'approbation ».

## Règles automatiques
auto-rules = Règles automatiques
auto-new = Nouvelle règle
auto-when = Quand
auto-any = (toutes)
auto-event = { $code ->
    [created] à la création
    [status_changed] au changement de statut
    [comment_added] à l'ajout d'un commentaire
    [field_changed] au changement de priorité ou d'assignation
   *[other] { $code }
}
auto-position-help = Les règles s'appliquent dans cet ordre.
auto-if-category = Si la catégorie est
auto-if-domain = Si le domaine est
auto-if-unit = Si l'unité est
auto-if-priority = Si la priorité est
auto-if-status = Si le statut (après l'événement) est
auto-if-field = Si le champ du formulaire (code)
auto-if-field-help = Par exemple cout_estime; laissez vide pour ne pas tenir compte des champs.
auto-if-field-op = Comparaison
auto-if-field-value = Valeur comparée
auto-op = { $code ->
    [eq] est égal à
    [contains] contient
    [gt] est supérieur à
    [lt] est inférieur à
   *[other] { $code }
}
auto-if-text = Si le texte contient
auto-if-text-help = Mots cherchés dans le titre, la description et le commentaire, sans tenir compte des accents.
auto-then-team = Alors assigner à l'équipe
auto-then-assignee = Alors assigner à la personne (courriel)
auto-then-assignee-help = La personne doit faire partie de l'équipe de la demande.
auto-then-priority = Alors mettre la priorité à
auto-then-watcher = Alors mettre en copie (courriel)
auto-then-note = Alors ajouter la note interne
auto-then-notify = Alors aviser par courriel (courriel)
field-rule-events = Cochez au moins un événement.
field-rule-actions = Choisissez au moins une action.

## Demandes récurrentes
rec-title = Demandes récurrentes
rec-new = Nouvelle demande récurrente
rec-frequency = Fréquence
rec-kind = { $code ->
    [weekly] Chaque semaine
    [monthly] Chaque mois
    [yearly] Chaque année
   *[other] { $code }
}
rec-every = { $kind ->
    [weekly] Chaque semaine (jour { $day })
    [monthly] Chaque mois, le { $day }
    [yearly] Chaque année, le { $day }/{ $month }
   *[other] { $kind }
}
rec-next = Prochaine
rec-created = Créées
rec-requester = Personne demanderesse (courriel)
rec-requester-help = Les demandes sont créées en son nom; la direction de chaque unité les voit aussi.
rec-month = Mois (chaque année)
rec-month-name = { $n ->
    [1] janvier
    [2] février
    [3] mars
    [4] avril
    [5] mai
    [6] juin
    [7] juillet
    [8] août
    [9] septembre
    [10] octobre
    [11] novembre
   *[12] décembre
}
rec-day = Jour
rec-day-help = Chaque semaine : 1 = lundi … 7 = dimanche. Sinon, le jour du mois (31 = dernier jour du mois).
rec-starts-on = À partir du
rec-starts-on-help = AAAA-MM-JJ; aujourd'hui si vide. Aucune demande n'est créée pour une date antérieure.
rec-category-priority = Priorité de la catégorie
rec-fields = Valeurs du formulaire (JSON)
rec-fields-help = Par exemple {"{"} "article": "TNI" {"}"}; vérifiées avec le formulaire de la catégorie.
rec-unit = Pour l'unité
field-recurring-units = Cochez au moins une unité.

## Courriels et préférences
profile-title = Mon profil
profile-language = Langue des pages et des courriels
profile-notifications = Avis par courriel
profile-notify-all = Un courriel à chaque événement
profile-notify-digest = Un résumé par jour (les approbations et les délais dépassés arrivent tout de suite)
profile-notify-essential = Seulement les approbations et les délais dépassés
profile-notifications-help = Les approbations à donner et les délais dépassés vous sont toujours envoyés.
profile-saved = Vos préférences sont enregistrées.
email-admin-title = Courriels
email-admin-templates = Modèles
email-admin-templates-help = Chaque modèle existe en français et en anglais (objet, HTML et texte); l'aperçu utilise une demande fictive.
email-admin-failed = Courriels non envoyés
email-admin-no-failed = Aucun courriel en échec.
email-admin-recipient = Destinataire
email-admin-template = Modèle
email-admin-error = Erreur (tentatives)
email-admin-when = Depuis
email-admin-resend = Renvoyer
email-admin-subject = Objet
email-admin-html = Version HTML
email-admin-text = Version texte
email-template = { $code ->
    [request_created] Accusé de réception au demandeur
    [request_for_team] Nouvelle demande pour l'équipe
    [assigned] Demande assignée
    [comment] Nouveau commentaire
    [internal_note] Note interne
    [status_changed] Changement de statut
    [approval_needed] Approbation demandée
    [approval_given] Demande approuvée
    [approval_refused] Demande refusée
    [sla_warning] Échéance proche
    [sla_breach] Délai dépassé
    [automation_notice] Avis d'une règle automatique
    [digest] Résumé quotidien
    [inbound_refused] Courriel non appliqué
    [inbound_unknown] Expéditeur inconnu
   *[other] { $code }
}

## Inbound mail
inbound-not-allowed = Vous ne pouvez pas écrire dans cette demande, ou elle n'existe pas.
inbound-unknown-command = Commande inconnue.
inbound-no-resolved-state = Le processus de cette demande n'a pas d'état « résolue ».
inbound-unknown-status = Aucun état « { $name } » dans le processus de cette demande.
inbound-unknown-person = Aucune personne n'a l'adresse { $email }.
inbound-no-category = Les nouvelles demandes ne se soumettent pas par courriel : utilisez le formulaire de Guichet.
inbound-use-form = Cette catégorie demande des renseignements que seul le formulaire de Guichet recueille : soumettez la demande en ligne.
inbound-untitled = Demande reçue par courriel
inbound-attachment-dropped = [Pièce jointe non conservée : { $name } ({ $size }), plus grande que la limite de { $max }.]
inbound-attachment-damaged = [Pièce jointe non conservée : { $name }, son encodage est endommagé.]
inbound-empty = Le message ne contient aucun texte nouveau ni pièce jointe : il n'y avait rien à ajouter.
inbound-internal-staff-only = Seul le personnel de soutien peut écrire une note interne : la ligne est restée dans votre commentaire.
inbound-file-too-large = Fichier de { $size }, plus grand que la limite de { $max } : il n'a pas été conservé. Déposez-le dans un espace partagé et envoyez-en le lien.
inbound-file-program = Les programmes et les scripts ne sont pas acceptés : le fichier n'a pas été conservé.
inbound-file-damaged = Le fichier est arrivé endommagé (encodage illisible) : il n'a pas été conservé. Joignez-le de nouveau.
event-by-email = par courriel
mail-heading = Courriel reçu
mail-from = Expéditeur
mail-subject = Objet
mail-received = Reçu le
mail-full-text = Texte complet, historique cité compris
mail-back = Retour à la demande
inbound-admin-received = Courriels reçus
inbound-admin-received-help = Les 100 derniers messages reçus (IMAP, relais ou API) et ce que Guichet en a fait. Les réponses automatiques, retours et accusés de lecture sont notés et ignorés.
inbound-admin-none = Aucun courriel reçu.
inbound-admin-outcome = Résultat
inbound-admin-undeliverable = Adresses non distribuables
inbound-admin-undeliverable-help = Un retour permanent (adresse inexistante) a marqué ces adresses : Guichet ne leur écrit plus. Rétablissez une adresse quand la boîte fonctionne de nouveau.
inbound-admin-no-undeliverable = Aucune adresse marquée.
inbound-admin-clear = Rétablir
inbound-outcome = { $code ->
    [received] En attente
    [applied] Appliqué à la demande
    [created] Nouvelle demande
    [ignored] Ignoré
    [rejected] Rejeté
    [refused] Refusé
   *[other] { $code }
}
inbound-reason = { $code ->
    [auto_reply] réponse automatique
    [bounce] retour de non-livraison
    [receipt] accusé de lecture
    [loop] notre propre message
    [unknown_sender] expéditeur inconnu
    [forbidden] hors des droits de l'expéditeur
    [command] commande refusée
    [no_category] nouvelles demandes par courriel désactivées
    [invalid] demande incomplète
    [empty] aucun texte nouveau
    [unreadable] message illisible
    [malformed] message mal formé
    [spoofed] expéditeur usurpé (authentification échouée)
    [attachment] pièce jointe non conservée
   *[other] { $code }
}
admin-aliases = Autres adresses courriel
admin-no-aliases = Aucune autre adresse : seuls les courriels venant de l'adresse principale sont reconnus.
admin-alias = Adresse
admin-add-alias = Ajouter l'adresse

## Inventaire
nav-assets = Inventaire
assets-title = Inventaire
assets-back = ← Retour à l'inventaire
assets-empty = Aucun équipement ne correspond à ces filtres.
asset-new = Ajouter un équipement
asset-edit = Modifier l'équipement { $label }
asset-edit-button = Modifier
asset-tag = Numéro d'inventaire
asset-tag-help = Le numéro de l'étiquette : lettres, chiffres, point, tiret ou trait de soulignement.
asset-serial = Numéro de série
asset-type = Type
asset-type-help = Nécessaire seulement pour un modèle qui n'est pas encore connu.
asset-maker = Fabricant
asset-model = Modèle
asset-unit = Unité propriétaire
asset-building = Bâtiment
asset-search-help = Numéro d'inventaire, numéro de série, modèle ou mot des notes.
asset-assigned-to = Attribué à
asset-assigned-help = Courriel de la personne; laissez vide pour retirer l'attribution.
asset-purchase-date = Date d'achat
asset-purchase-cost = Coût d'achat
asset-cost-help = En dollars, par exemple 899,99.
asset-warranty-end = Fin de la garantie
asset-under-warranty = Sous garantie
asset-notes = Notes
asset-no-room = Aucun local
asset-requests = Demandes liées
asset-no-requests = Aucune demande n'est liée à cet équipement.
asset-history = Historique
asset-label = Étiquette
asset-qr-alt = Code QR menant à la fiche de l'équipement { $label }
asset-print-label = Imprimer l'étiquette
asset-print-labels = Imprimer les étiquettes de cette page
asset-labels = Étiquettes
asset-labels-help = Utilisez la fonction d'impression du navigateur; chaque étiquette mesure 5 cm sur 2,5 cm.
asset-actions = Actions
asset-change-status = Nouveau statut
asset-status-note = Remarque (facultatif)
asset-status-request = Demande liée (facultatif)
asset-status-request-help = Par exemple DS-000123, pour une réparation.
asset-change-status-button = Changer le statut
asset-move-unit = Déplacer vers l'unité
asset-move-help = Les locaux proposés sont ceux de l'unité actuelle; après un changement d'unité, choisissez le local ensuite.
asset-move-button = Déplacer
asset-assign-button = Enregistrer l'attribution
date-help = Format AAAA-MM-JJ.
asset-status = { $code ->
    [in_stock] En stock
    [deployed] Déployé
    [on_loan] En prêt
    [in_repair] En réparation
    [missing] Manquant
    [retired] Retiré
   *[other] { $code }
}
asset-event = { $kind ->
    [created] Équipement ajouté au statut « { $to } ».
    [status_changed] Statut changé de « { $from } » à « { $to } ».
    [moved] Déplacé vers { $name }.
    [assigned] Attribution : { $who }.
    [imported] Mis à jour par une importation.
    [request_linked] Lié à la demande { $label }.
   *[other] Fiche modifiée.
}
asset-done = { $kind ->
    [created] L'équipement a été ajouté.
    [saved] Les modifications ont été enregistrées.
    [status] Le statut a été changé.
    [moved] L'équipement a été déplacé.
    [assigned] L'attribution a été enregistrée.
   *[other] C'est fait.
}
flash-asset = Le statut de l'équipement a été changé.
asset-number-taken = Un autre équipement porte déjà ce numéro.
asset-tag-invalid = Ce numéro d'inventaire n'est pas valide : lettres, chiffres, point, tiret ou trait de soulignement, 40 caractères au plus.
asset-person-unknown = Aucune personne active n'a cette adresse.
asset-model-other-type = Ce modèle est déjà enregistré avec un autre type.
asset-status-refused = Un équipement « { $from } » ne peut pas passer à « { $to } ».
field-asset = Choisissez un équipement de votre unité par son numéro d'inventaire (dans l'API : donné par /api/v1/request-choices).
asset-choose-help = Le numéro d'inventaire est inscrit sur l'étiquette de l'appareil.

## Importation d'équipements
import-title = Importer des équipements
import-intro = Importez l'exportation CSV de votre outil d'inventaire (Lansweeper, Intune, Jamf ou un tableur). Vous choisirez ensuite les colonnes; une vérification sans enregistrement est faite d'abord si vous le souhaitez.
import-file = Fichier CSV
import-file-help = Séparé par des virgules, des points-virgules ou des tabulations; UTF-8, UTF-16 ou Windows-1252.
import-upload = Téléverser
import-file-facts = { $n } lignes · encodage { $label } · séparateur « { $name } »
import-preset-label = Outil d'origine
import-preset = { $code ->
    [auto] Détection automatique
    [guichet] Guichet (colonnes en français)
    [lansweeper] Lansweeper
    [intune] Microsoft Intune
    [jamf] Jamf Pro
   *[other] { $code }
}
import-apply-preset = Proposer les colonnes
import-mapping = Correspondance des colonnes
import-mapping-help = Pour chaque information, choisissez la colonne du fichier. Les colonnes non utilisées sont conservées telles quelles sur la fiche. Un équipement déjà connu est mis à jour par son numéro d'inventaire ou de série.
import-target = { $code ->
    [tag] Numéro d'inventaire
    [serial] Numéro de série
    [type] Type
    [maker] Fabricant
    [model] Modèle
    [status] Statut
    [unit] Unité
    [building] Bâtiment
    [room] Local
    [assigned_to] Attribué à (courriel)
    [purchase_date] Date d'achat
    [purchase_cost] Coût d'achat
    [warranty_end] Fin de la garantie
    [notes] Notes
   *[other] { $code }
}
import-not-imported = — non importée —
import-default-unit = Unité pour les lignes qui n'en indiquent pas
import-default-type = Type pour les lignes qui n'en indiquent pas
import-no-default = Aucune
import-check = Vérifier sans importer
import-run = Importer
import-preview = Aperçu des premières lignes
import-dry-run = Résultat de la vérification (rien n'a été enregistré)
import-done = Importation terminée
import-count = { $kind ->
    [created] { $n } équipement(s) à ajouter
    [updated] { $n } équipement(s) à mettre à jour
    [unchanged] { $n } équipement(s) inchangé(s)
   *[new_models] { $n } nouveau(x) modèle(s)
}
import-ready = Aucune erreur : vous pouvez importer.
import-has-errors = { $n } erreur(s) : rien n'a été enregistré. Corrigez le fichier ou la correspondance, puis recommencez.
import-errors-caption = Erreurs par ligne
import-line = Ligne
import-column = Colonne
import-reason = Problème
import-more-errors = … et { $n } autre(s) erreur(s).
import-not-csv = Ce fichier n'est pas un fichier CSV lisible.
import-unreadable-line = La ligne { $n } est illisible (guillemets mal fermés?).
import-column-count = La ligne a { $n } colonne(s) au lieu de { $max }.
import-duplicate = Ce numéro figure déjà à la ligne { $n } du fichier.
import-unknown = Valeur inconnue : « { $label } ».
request-assets = Équipements liés

## Prêts d'équipement
nav-loans = Prêts
no = Non
asset-loanable = Prêtable
asset-loanable-help = Le comptoir de prêt de l'unité propriétaire peut prêter cet équipement.
asset-reserve = Réserver cet équipement
loans-title = Mes prêts
loans-mine = Mes prêts et réservations
loans-none-mine = Vous n'avez aucun prêt en cours ni aucune réservation.
loans-none = Aucun prêt.
loans-to-approve = Prêts à approuver
loans-desk = Comptoir de prêt
loans-back = ← Retour aux prêts
loans-overdue = En retard
loans-hand-over = À remettre aujourd'hui
loans-due-today = Retours attendus aujourd'hui
loans-out = Tous les prêts en cours
loans-availability = Disponibilités
loan-new = Réserver de l'équipement
loan-title = Prêt n° { $n }
loan-col-number = Prêt
loan-col-what = Équipement
loan-col-borrower = Emprunteur
loan-col-period = Période
loan-overdue = En retard
loan-asset = Équipement (numéro d'inventaire)
loan-pool = Modèle et comptoir de prêt
loan-pool-help = Entre parenthèses : le nombre d'appareils que ce comptoir prête.
loan-quantity = Quantité
loan-starts = Début du prêt
loan-due = Date de retour
loan-purpose = Utilisation prévue
loan-borrower-email = Emprunteur (courriel)
loan-borrower-help = Laissez vide pour réserver à votre nom.
loan-reserve = Réserver
loan-lender = Prêté par
loan-decision-note = Décision
loan-acknowledged = Conditions acceptées
loan-not-acknowledged = Pas encore
loan-items = Équipement prêté
loan-items-at-checkout = Les appareils seront choisis au comptoir, à la remise.
loan-handed-over = Remis le
loan-returned = Retour
loan-conditions = Conditions de prêt
loan-acknowledge = J'accepte les conditions de prêt
loan-decide = Décision de la direction
loan-refuse-reason = Raison du refus (obligatoire pour refuser)
loan-checkout = Remise de l'équipement
loan-checkout-assets = Numéros d'inventaire remis
loan-checkout-help = Facultatif : numérisez ou tapez les numéros pour vérifier qu'il s'agit bien des appareils réservés.
loan-checkout-pool-help = Numérisez ou tapez { $n } numéro(s) d'inventaire, un par ligne.
loan-ack-at-desk = L'emprunteur accepte les conditions de prêt, ici au comptoir
loan-checkout-button = Remettre l'équipement
loan-checkin = Retour de l'équipement
loan-checkin-help = Indiquez l'état de chaque appareil rapporté; les autres restent prêtés. Une remarque est obligatoire pour un appareil endommagé ou manquant.
loan-condition-label = État au retour
loan-stays-out = Pas rapporté aujourd'hui
loan-condition-note = Remarque
loan-borrower-agrees = L'emprunteur est d'accord avec ce constat
loan-checkin-button = Enregistrer le retour
loan-extend = Prolonger ou annuler
loan-new-due = Nouvelle date de retour
loan-extend-button = Prolonger
loan-cancel-button = Annuler la réservation
loan-view = Affichage
loan-view-week = Semaine
loan-view-month = Mois
loan-previous = ← Précédent
loan-next = Suivant →
loan-capacity = { $name } : { $n } appareil(s) prêtable(s).
loan-availability-caption = Disponibilité de { $name }
loan-available-row = Disponibles
loan-busy = Réservé
loan-free = Libre
loan-choose-pool = Choisissez un modèle et un comptoir de prêt pour voir ses disponibilités.
weekday-short = { $n ->
    [0] lun.
    [1] mar.
    [2] mer.
    [3] jeu.
    [4] ven.
    [5] sam.
   *[6] dim.
}
loan-status = { $code ->
    [requested] En attente d'approbation
    [approved] Réservé
    [refused] Refusé
    [checked_out] Prêté
    [returned] Rendu
    [cancelled] Annulé
   *[other] { $code }
}
loan-condition = { $code ->
    [ok] En bon état
    [damaged] Endommagé
    [missing] Manquant
   *[other] { $code }
}
loan-event = { $kind ->
    [reserved] Réservation faite.
    [approved] Prêt approuvé par la direction.
    [refused] Prêt refusé par la direction.
    [checked_out] Équipement remis.
    [acknowledged] Conditions de prêt acceptées.
    [extended] Date de retour prolongée.
    [returned] Équipement rapporté.
    [cancelled] Réservation annulée.
    [reminded] Rappel envoyé la veille du retour.
    [overdue] Avis de retard envoyé.
    [escalated] Direction de l'unité avisée du retard.
   *[other] { $kind }
}
loan-done = { $kind ->
    [reserved] La réservation est enregistrée.
    [approve] Le prêt est approuvé.
    [refuse] Le prêt est refusé.
    [acknowledge] Vous avez accepté les conditions de prêt.
    [checkout] L'équipement est remis.
    [checkin] Le retour est enregistré.
    [extend] La date de retour est prolongée.
    [cancel] La réservation est annulée.
   *[other] C'est fait.
}
loan-asset-booked = L'équipement { $label } est déjà réservé ou prêté pendant cette période.
loan-not-available = Pas assez d'équipement libre pendant toute cette période : { $n } disponible(s).
loan-too-long = Un prêt de ce type d'équipement dure au plus { $days } jours.
loan-due-before-start = La date de retour doit suivre le début du prêt.
loan-in-the-past = Le prêt ne peut pas commencer dans le passé.
loan-asset-not-lendable = L'équipement { $label } n'existe pas ou ne se prête pas.
loan-what = Choisissez un équipement, ou un modèle, un comptoir de prêt et une quantité.
loan-one-lender = Tous les équipements d'une réservation doivent venir du même comptoir de prêt.
loan-not-waiting = Ce prêt n'attend pas de décision.
loan-closed = Ce prêt est terminé.
loan-needs-approval = Ce prêt attend l'approbation de la direction de l'unité.
loan-ack-required = L'emprunteur doit accepter les conditions de prêt avant la remise.
loan-due-passed = La date de retour est passée : prolongez le prêt ou faites une nouvelle réservation.
loan-quantity-mismatch = Indiquez exactement { $n } numéro(s) d'inventaire.
loan-asset-not-in-pool = L'équipement { $label } n'est pas un appareil disponible de ce modèle à ce comptoir.
loan-asset-not-in-loan = L'équipement { $label } ne fait pas partie de ce prêt.
loan-nothing-returned = Indiquez l'état d'au moins un appareil rapporté.
loan-condition-note-required = Décrivez l'état de l'appareil endommagé ou manquant.
loan-not-out = Ce prêt n'est pas en cours.
loan-no-repair-category = Aucune catégorie informatique ne permet d'ouvrir la demande de réparation.
loan-extend-later = La nouvelle date de retour doit suivre l'actuelle.
loan-not-cancellable = Seule une réservation dont l'équipement n'a pas été remis peut être annulée.
loan-range-too-long = Choisissez une période de 92 jours au plus.
loan-asset-still-out = L'équipement { $label } n'est pas revenu de son prêt précédent : remettez un autre appareil ou attendez son retour.
admin-asset-types = Types d'équipement
admin-new-asset-type = Nouveau type d'équipement
admin-edit-asset-type = Modifier le type d'équipement
type-max-loan-days = Durée maximale d'un prêt (jours)
type-max-loan-days-help = De 1 à 400 jours.
type-loan-approval = Prêt approuvé par la direction de l'unité
loan-catalog-help = Prêt d'équipement : ordinateur portable, Chromebooks, projecteur… pour une période.

## Journal (vérification)
nav-audit = Journal
audit-title = Journal des modifications et des consultations
audit-help = Chaque modification et chaque consultation de renseignements personnels est inscrite ici, sans possibilité de la modifier ni de l'effacer.
audit-trails = Journaux
audit-changes = Modifications
audit-reads = Consultations de renseignements personnels
audit-person = Personne (courriel)
audit-entity = Type d'enregistrement
audit-entity-help = Par exemple request, user, asset, loan.
audit-record = Enregistrement
audit-action = Action (ou son début)
audit-from = Du
audit-to = Au
audit-export = Exporter en CSV
audit-empty = Aucune entrée ne correspond à ces filtres.
audit-col-at = Date
audit-col-who = Personne
audit-col-email = Courriel
audit-col-action = Action
audit-col-record = Enregistrement
audit-col-ip = Adresse IP
audit-col-data = Détails

## Conservation et anonymisation (Loi 25)
retention-title = Conservation
retention-help = Les renseignements personnels ne sont gardés que le temps nécessaire. Chaque nuit, Guichet supprime les pièces jointes des demandes fermées depuis le délai prévu, puis anonymise les demandes : le nom, les adresses courriel et les mentions du demandeur sont remplacés par « [personne anonymisée] ». Les statistiques (catégorie, unité, dates, délais) restent.
retention-policies = Politiques de conservation
retention-scope = S'applique à
retention-anonymize = Anonymisation
retention-attachments = Suppression des pièces jointes
retention-default = Toutes les demandes (par défaut)
retention-domain = Domaine : { $name }
retention-category = Catégorie : { $name }
retention-never = jamais
retention-days = { $n } jours après la fermeture
retention-days-years = { $n } jours après la fermeture (environ { $years } ans)
retention-remove = Retirer
retention-set = Définir ou remplacer une politique
retention-anonymize-days = Anonymiser les demandes fermées depuis (jours)
retention-attachments-days = Supprimer leurs pièces jointes après (jours)
retention-days-help = De 1 à 36 500 jours; laissez vide pour ne jamais le faire. La politique la plus précise l'emporte : catégorie, puis domaine, puis la politique par défaut.
retention-save = Enregistrer la politique
retention-saved = La politique de conservation est enregistrée.
retention-removed = La politique est retirée; la politique plus générale s'applique de nouveau.
retention-default-stays = La politique par défaut ne peut pas être retirée; modifiez plutôt ses délais.
retention-preview = Aperçu sans rien changer
retention-preview-help = Montre ce que le traitement de nuit ferait à la date choisie, sans rien modifier. L'aperçu est inscrit à l'historique.
retention-at = Date d'application
retention-preview-button = Voir l'aperçu
retention-busy = Un traitement est déjà en cours sur un autre serveur; réessayez dans quelques minutes.
retention-would-anonymize = { $n ->
    [0] Aucune demande à anonymiser.
    [one] Une demande serait anonymisée :
   *[other] { $n } demandes seraient anonymisées :
}
retention-would-purge = { $n ->
    [0] Aucune pièce jointe à supprimer.
    [one] Une pièce jointe serait supprimée ({ $size } Mo) :
   *[other] { $n } pièces jointes seraient supprimées ({ $size } Mo) :
}
retention-runs = Historique des traitements
retention-no-runs = Aucun traitement pour l'instant. Le premier aura lieu cette nuit.
retention-col-when = Date
retention-col-kind = Type
retention-col-who = Par
retention-col-anonymized = Demandes anonymisées
retention-col-purged = Pièces jointes supprimées
retention-dry = Aperçu
retention-real = Traitement
attachment-purged = Cette pièce jointe a été supprimée selon la politique de conservation.
attachment-purged-short = supprimée (conservation)

## Export des renseignements d'une personne
export-page-title = Renseignements détenus sur une personne
export-page-help = Pour répondre à une demande d'accès, produisez un fichier ZIP de tout ce que Guichet détient sur une personne : profil, demandes, interventions, courriels, prêts, équipements et journal des consultations. La production de l'export est inscrite au journal.
export-email = Adresse courriel de la personne
export-button = Produire l'export (ZIP)
export-back = Retour au journal
export-unknown-person = Aucune personne n'a cette adresse dans Guichet.
export-title = Renseignements détenus sur { $name }
export-intro = Ce document résume ce que Guichet détient au sujet de la personne dont l'adresse est { $email }, à la date du
export-contents = Contenu de l'export
export-col-file = Fichier
export-col-holds = Contenu
export-col-rows = Éléments
export-requests = Demandes
export-loans = Prêts d'équipement
export-attachments = Pièces jointes déposées (incluses dans le dossier pieces-jointes)
export-none = Aucun.
export-col-number = Numéro
export-col-title = Titre
export-col-status = État
export-col-created = Créée le
export-col-from = Du
export-col-to = Au
export-col-purpose = Motif
export-footer = Les fichiers JSON contiennent chaque élément en entier. Pour toute question, adressez-vous au responsable de la protection des renseignements personnels de votre centre de services scolaire.
export-profile = Profil : nom, adresse, langue, rôles, équipes, groupes, sessions, jetons d'API, tentatives de connexion
export-requests-file = Demandes faites par la personne
export-events = Interventions de la personne dans les demandes (commentaires, changements)
export-watching = Demandes suivies
export-attachments-file = Pièces jointes déposées
export-approvals = Approbations données ou refusées
export-ratings = Avis de satisfaction donnés
export-mail-in = Courriels reçus de la personne
export-mail-out = Courriels envoyés à la personne
export-loans-file = Prêts d'équipement
export-assets = Équipements attribués à la personne
export-trail-about = Consultations et modifications de son dossier
export-trail-by = Actions de la personne dans Guichet (journal)
incident-register = Registre des incidents de confidentialité (CSV)
incident-col-declared = Déclaré le
incident-col-by = Déclaré par
admin-email-rectify-help = Corrigez l'adresse au besoin : la personne se connectera et recevra ses courriels à la nouvelle adresse. La correction est inscrite au journal.
attachment-executable = Ce fichier est un programme ou un script : il ne peut pas être joint à une demande. Déposez-le plutôt dans un dossier partagé et indiquez son emplacement.
inbound-attachment-program = [Pièce jointe non conservée : { $name }, un programme ou un script.]
profile-sessions = Sessions
profile-sessions-help = Une session se ferme après une période d'inactivité et au plus tard { $n } heures après la connexion. Si vous avez oublié de vous déconnecter sur un autre ordinateur, fermez toutes vos sessions.
profile-sign-out-everywhere = Me déconnecter partout

## Départs et mutations
departure-title = Départs et mutations
departure-help = La matrice de décision de la pratique de gestion des TI (annexe 9) : pour chaque accès et chaque situation, ce qui arrive à partir de la date effective. Une demande « Départ ou mutation d'un employé » crée une tâche pour chaque accès à retirer ou à supprimer, avec sa date d'échéance. Toute exception doit être signée par la direction de l'unité ou la Direction générale.
departure-resource = Accès
departure-phase-withdraw = retrait
departure-phase-delete = suppression
departure-cell-keep = Gardé
departure-cell-none = Jamais
departure-cell-now = Immédiatement
departure-cell-after-30d = Après 30 jours
departure-cell-after-30d-except = Après 30 jours (RH, RF, TI immédiatement)
departure-cell-after-13m = Après 13 mois
departure-cell-after-36m = Après 36 mois
departure-save = Enregistrer la matrice
departure-saved = La matrice de décision est enregistrée.
departure-tasks = Tâches de départ
departure-parent = Créée par la demande
departure-due = Échéance :

## Transport
nav-transport = Transport
nav-trips = Mes sorties
trip-calendar = Calendrier des transports
trip-upcoming = Sorties à venir
trip-upcoming-intro = Les transports à venir des demandes que vous pouvez consulter, du plus proche au plus lointain.
trip-upcoming-empty = Aucun transport à venir.
trip-new = Demander un transport
trip-view = { $code ->
    [day] Jour
    [week] Semaine
   *[month] Mois
}
trip-week = Semaine du { $from } au { $to }
trip-prev = ← Précédent
trip-next = Suivant →
trip-today = Aujourd'hui
trip-layout-table = Vue tableau
trip-layout-grid = Vue calendrier
trip-filter-carrier = Transporteur
trip-filter-unit = Unité
trip-filter-all = Tous
trip-filter-apply = Afficher
trip-count = { $n ->
    [0] Aucun transport dans cette période.
    [one] Un transport dans cette période.
   *[other] { $n } transports dans cette période.
}
trip-month-caption = Transports de { $month }, par jour
weekday = { $n ->
    [0] lundi
    [1] mardi
    [2] mercredi
    [3] jeudi
    [4] vendredi
    [5] samedi
   *[6] dimanche
}
trip-col-date = Date
trip-col-time = Heures
trip-col-unit = Unité
trip-col-destination = Destination
trip-col-passengers = Passagers
trip-col-vehicle = Véhicules
trip-col-carrier = Transporteur
trip-col-status = Statut
trip-col-warnings = À vérifier
trip-no-carrier = À confirmer
trip-cancelled = annulé
trip-export = Exporter la semaine de ce transporteur (CSV)
trip-section = Déplacement
trip-departs = Départ
trip-returns = Retour
trip-origin = Lieu de départ
trip-destination = Destination
trip-passengers = Passagers (élèves + adultes)
trip-wheelchairs = Places pour fauteuil roulant
trip-vehicle = Véhicules
trip-budget = Code budgétaire
trip-notes = Notes pour le transporteur
trip-urgent = Demande urgente
trip-carrier = Transporteur
trip-confirmed-at = Confirmé le { $when }
trip-carrier-pending = Aucun transporteur confirmé pour l'instant.
trip-change = Modifier le déplacement
trip-change-intro = Les changements d'un transport déjà confirmé sont envoyés au transporteur.
trip-change-save = Enregistrer les changements
trip-confirm-heading = Confirmer le transporteur
trip-confirm-carrier = Transporteur
trip-confirm-note = Message au demandeur (facultatif)
trip-confirm-submit = Confirmer et aviser le demandeur
trip-warnings = À vérifier
trip-no-passenger = Indiquez au moins un passager (élève ou adulte).
trip-date-past = La date du déplacement est déjà passée.
trip-notice = Un transport se demande au moins { $days } jours ouvrables à l'avance : la première date possible est le { $date }. Pour un besoin urgent, expliquez-en la raison.
trip-urgency-needed = Expliquez pourquoi ce transport ne peut pas attendre le préavis minimum.
trip-return-before = Le retour doit avoir lieu après le départ.
field-whole-number = Entrez un nombre entier.
trip-warn-capacity = { $n } passagers pour { $max } places : prévoyez un véhicule de plus ou un plus grand.
trip-warn-wheelchair = { $n } place(s) pour fauteuil roulant demandée(s), { $max } offerte(s) par ces véhicules.
trip-warn-carrier-type = Ce transporteur n'a aucun véhicule de ce type.
trip-warn-overbooked = Ce transporteur aurait besoin de { $n } véhicules de ce type en même temps; il en a { $max }.
trip-change-closed = Ce transport est terminé ou annulé : il ne peut plus être modifié.
trip-no-confirm-state = Le processus de cette demande n'a pas d'état « Transporteur confirmé ».
trip-needs-carrier = Choisissez d'abord le transporteur : un transport est confirmé avec son transporteur.
trip-period = La période doit aller d'une date à une date postérieure, sur au plus 366 jours.
carrier-name-taken = Un transporteur porte déjà ce nom.
flash-trip = Le déplacement a été modifié.
flash-carrier = Le transporteur est confirmé et le demandeur en a été avisé.
carriers-title = Transporteurs
carriers-intro = Les transporteurs à qui le Service du transport confie les déplacements, avec leur parc de véhicules : il sert à signaler les réservations qui dépassent leur capacité.
carriers-empty = Aucun transporteur pour l'instant.
carrier-name = Nom
carrier-contact = Personne-ressource
carrier-email = Courriel
carrier-phone = Téléphone
carrier-english = Écrire à ce transporteur en anglais
carrier-active = Actif
carrier-inactive = inactif
carrier-fleet = Parc de véhicules
carrier-fleet-help = Nombre de véhicules de chaque type (laissez vide s'il n'en a pas).
carrier-add = Ajouter un transporteur
carrier-edit = Modifier { $name }
carrier-save = Enregistrer
carrier-cancel = Annuler
vehicle-types = Types de véhicules
vehicle-capacity = { $n } places, dont { $max } pour fauteuil roulant
transport-notice = Préavis minimum
transport-notice-label = Jours ouvrables de préavis pour demander un transport
transport-notice-save = Enregistrer le préavis
transport-saved-carrier = Le transporteur a été enregistré.
transport-saved-settings = Le préavis minimum a été enregistré.
feeds-title = Abonnements aux calendriers
feeds-intro = Un lien d'abonnement (.ics) donne le calendrier des transports d'un transporteur ou d'une unité à Outlook, Google Agenda ou un téléphone. Il est secret : quiconque l'a voit ces transports. Il n'est affiché qu'une fois; révoquez-le s'il a circulé.
feeds-empty = Aucun lien d'abonnement actif.
feed-for = Calendrier de
feed-create = Créer un lien d'abonnement
feed-created = Le lien a été créé. Copiez-le maintenant : il ne sera plus affiché.
feed-revoked = Le lien a été révoqué.
feed-new-url = Nouveau lien d'abonnement
feed-col-for = Pour
feed-col-created = Créé le
feed-col-used = Dernière utilisation
feed-never = Jamais
feed-revoke = Révoquer
feed-group-carriers = Transporteurs
feed-group-units = Unités
csv-number = Demande
csv-date = Date
csv-departure = Départ
csv-return = Retour
csv-unit = Unité
csv-origin = Lieu de départ
csv-destination = Destination
csv-address = Adresse
csv-students = Élèves
csv-adults = Adultes
csv-wheelchairs = Fauteuils roulants
csv-adapted = Véhicule adapté
csv-vehicle = Type de véhicule
csv-vehicles = Véhicules
csv-budget = Code budgétaire
csv-notes = Notes pour le transporteur
csv-status = Statut

## Authentification unique
sso-sign-in = Se connecter avec le compte du centre de services
sso-or-password = Ou, si vous avez un mot de passe Guichet :
oidc-unavailable = Le service d'authentification ne répond pas. Réessayez dans quelques minutes.
oidc-expired = Cette connexion a expiré ou a déjà servi. Recommencez depuis la page de connexion.
oidc-refused = Le service d'authentification n'a pas confirmé votre identité. Recommencez depuis la page de connexion.
oidc-no-email = Le service d'authentification n'a pas fourni d'adresse courriel vérifiée : Guichet ne peut pas savoir qui vous êtes.
oidc-inactive = Votre compte Guichet est désactivé. Communiquez avec le soutien informatique.
pending-title = Votre compte attend d'être placé
pending-text = Votre compte Guichet a été créé à votre première connexion. Un administrateur doit maintenant le rattacher à votre unité (école, centre ou service) avant que vous puissiez faire des demandes.
pending-next = Vous n'avez rien à faire : revenez plus tard, ou communiquez avec le soutien informatique si c'est urgent.
admin-to-place = Seulement les personnes à placer (sans rôle)

## Tableaux de bord
nav-dashboard = Tableau de bord
dashboard-title = Tableau de bord
dashboard-board = Tout le centre de services
dashboard-scope = Portée
dashboard-period-label = Période
dashboard-from = Du
dashboard-to = Au
dashboard-show = Afficher
dashboard-period = { $code ->
    [week] Cette semaine
    [month] Ce mois-ci
    [school_year] Cette année scolaire
   *[custom] Période personnalisée
}
dashboard-period-range = du { $from } au { $to }
dashboard-period-order = La fin de la période doit suivre son début.
dashboard-period-long = Une période compte au plus { $max } jours.
dashboard-generated = Chiffres du { $when }
dashboard-backlog = Demandes ouvertes
dashboard-now = en ce moment
dashboard-new = Nouvelles demandes
dashboard-resolved = Demandes résolues
dashboard-first-response = Première réponse dans les délais
dashboard-resolution = Résolution dans les délais
dashboard-met-of = { $met } sur { $due } échéances
dashboard-breaches = Dépassements en cours
dashboard-median = Délai médian de résolution
dashboard-p90 = 90 % en moins de { $hours } (heures ouvrables)
dashboard-approvals = Approbations en attente
dashboard-tiles = Chiffres clés
dashboard-open-list = Voir la liste
dashboard-trend = Volume et respect des délais
dashboard-volume-title = Demandes reçues et résolues
dashboard-sla-title = Respect des délais (SLA)
dashboard-volume-summary = { $new } demandes reçues et { $resolved } résolues; le plus fort volume : { $peak } ({ $count } demandes).
dashboard-sla-summary = Première réponse dans les délais : { $first }; résolution dans les délais : { $resolution }.
dashboard-day = Jour
dashboard-week = Semaine
dashboard-week-of = semaine du { $date }
dashboard-ages-title = Demandes ouvertes selon leur âge
dashboard-ages-summary = { $backlog } demandes ouvertes, dont { $old } depuis plus de 30 jours.
dashboard-age = { $code ->
    [lt1d] Moins d'un jour
    [d1to3] 1 à 3 jours
    [d3to7] 3 à 7 jours
    [d7to30] 7 à 30 jours
   *[gt30d] Plus de 30 jours
}
dashboard-categories-title = Demandes par catégorie
dashboard-units-title = Demandes par unité administrative
dashboard-top-summary = En tête : { $label } ({ $count } demandes), sur { $n } au total.
dashboard-technicians-title = Charge de travail par technicien
dashboard-tech-summary = Le plus chargé : { $name }, { $open } demandes ouvertes.
dashboard-unassigned = Non assignée
dashboard-nothing = Aucune demande pour cette période.
dashboard-satisfaction-title = Satisfaction des demandeurs
dashboard-sat-summary = Note moyenne { $average } sur 5 ({ $count } avis).
dashboard-no-ratings = Aucun avis pour cette période.
dashboard-by-team = Par équipe
dashboard-by-category = Par catégorie
dashboard-by-unit = Par unité
dashboard-low-title = Avis défavorables (1 ou 2)
dashboard-low-empty = Aucun avis défavorable pour cette période.
dashboard-chart-table = Les données du graphique
dashboard-csv = Télécharger (CSV)
dashboard-report = Rapport imprimable
dashboard-report-of = Rapport mensuel de { $month }
dashboard-report-title = Rapport de service — { $scope }, { $period }
dashboard-print-hint = Pour l'imprimer ou l'enregistrer en PDF, utilisez la commande Imprimer de votre navigateur.
dashboard-back = Retour au tableau de bord
dashboard-how = Comment lire ces chiffres
dashboard-how-text = Les délais se comptent en heures ouvrables du calendrier de l'entente de service, sans le temps où la demande attendait le demandeur ou une approbation. Une échéance compte dans la période où elle tombe, une fois passée ou la demande traitée; une demande annulée avant son échéance ne compte pas. Les listes n'affichent que les demandes que vous pouvez consulter : une demande confidentielle compte dans les chiffres sans y figurer.
dashboard-file = tableau-de-bord
dashboard-col-period = Période
dashboard-col-count = Demandes
dashboard-col-average = Moyenne
dashboard-col-open = Ouvertes
dashboard-col-rating = Note
dashboard-col-comment = Commentaire
dashboard-col-date = Date
dashboard-col-figure = Indicateur
dashboard-col-value = Valeur
csv-figure = Indicateur
csv-value = Valeur
csv-p90 = Délai de résolution, 90e centile (heures)
csv-from = Début
csv-first-due = Premières réponses échues
csv-first-met = Premières réponses dans les délais
csv-resolution-due = Résolutions échues
csv-resolution-met = Résolutions dans les délais
csv-label = Libellé
csv-count = Nombre
csv-technician = Technicien
csv-open = Ouvertes
csv-group = Regroupement
csv-average = Moyenne
csv-rating = Note
csv-team = Équipe
csv-category = Catégorie
csv-title = Titre
csv-comment = Commentaire

## Satisfaction
rating-title = Votre avis sur la demande
rating-section = Votre avis
rating-section-staff = Avis du demandeur
rating-value = { $n ->
    [1] 1 — Très insatisfait
    [2] 2 — Insatisfait
    [3] 3 — Correct
    [4] 4 — Satisfait
   *[5] 5 — Très satisfait
}
rating-question = Êtes-vous satisfait du traitement de cette demande?
rating-legend = Votre note
rating-comment = Commentaire (facultatif)
rating-submit = Envoyer mon avis
rating-change = Modifier mon avis
rating-given = Note donnée le { $when } :
rating-required = Choisissez une note de 1 à 5.
rating-not-resolved = Cette demande n'est pas encore résolue : vous pourrez donner votre avis une fois qu'elle le sera.
rating-thanks = Merci! Votre note est enregistrée.
rating-confirm = Votre note n'est pas encore enregistrée : vérifiez-la, ajoutez un commentaire si vous le souhaitez, puis envoyez votre avis.
rating-add-comment = Vous pouvez ajouter un commentaire ou changer votre note :
rating-open-request = Ouvrir la demande
flash-rating = Merci pour votre avis.
rating-email-question = Êtes-vous satisfait? Choisissez une note, puis confirmez-la :
drill-intro = Liste filtrée depuis le tableau de bord :
drill-clear = Retirer ces filtres
drill-category = catégorie « { $label } »
drill-kind = { $code ->
    [approval] en attente d'approbation
    [pending] en attente du demandeur
    [resolved] résolues
    [closed] fermées
    [cancelled] annulées
    [new] nouvelles
   *[other] en traitement
}
drill-created = créées du { $from } au { $to }
drill-resolved = résolues du { $from } au { $to }
dashboard-col-distribution = Notes 1 · 2 · 3 · 4 · 5
dashboard-col-distribution-help = Nombre d'avis de 1, 2, 3, 4 et 5
csv-all = Ensemble
event-trip = Déplacement modifié : { $changes }.
event-trip-change = { $label } : { $from } → { $to }
event-carrier = Transporteur retenu : { $name }.
idempotency-key-invalid = L'en-tête Idempotency-Key doit contenir de 1 à { $max } caractères.
idempotency-key-reused = Cette clé Idempotency-Key a déjà servi pour une autre requête : utilisez une nouvelle clé.
idempotency-key-running = Une requête avec cette clé Idempotency-Key est encore en cours : réessayez dans un instant.
