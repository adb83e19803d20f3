"""The console's words for the bank pages."""

from raccord.core.i18n import Tr

L = {
    "title": Tr("Banques, transactions et relevés", "Banks, transactions and statements"),
    "banks": Tr("Banques connectées", "Connected banks"),
    "connect": Tr("Connecter une banque", "Connect a bank"),
    "connect_help": Tr("Le titulaire du compte s'authentifie auprès de sa banque sur les pages "
                       "de Bridge, puis revient ici : les comptes apparaissent.",
                       "The account holder authenticates with the bank on Bridge's pages, "
                       "then comes back here: the accounts appear."),
    "fix": Tr("Réparer", "Fix"),
    "remove": Tr("Supprimer la banque", "Remove the bank"),
    "remove_confirm": Tr("Supprimer cette banque chez Bridge ? Ses transactions et relevés "
                         "restent dans raccord.", "Remove this bank at Bridge? Its "
                         "transactions and statements stay in raccord."),
    "bank": Tr("Banque", "Bank"), "state": Tr("État", "State"),
    "refreshed": Tr("Dernière synchro Bridge", "Last Bridge refresh"),
    "accounts": Tr("Comptes", "Accounts"), "account": Tr("Compte", "Account"),
    "company": Tr("Société", "Company"), "journal": Tr("Code journal", "Journal code"),
    "balance": Tr("Solde Bridge", "Bridge balance"), "fetched": Tr("Récupéré", "Fetched"),
    "unstated": Tr("Hors relevé", "Not in a statement"),
    "assign": Tr("Affecter", "Assign"), "pause": Tr("Mettre en pause", "Pause"),
    "resume": Tr("Reprendre", "Resume"), "paused": Tr("En pause", "Paused"),
    "active": Tr("Actif", "Active"), "removed": Tr("Retiré chez Bridge", "Gone from Bridge"),
    "unassigned": Tr("À affecter", "To assign"),
    "fetch": Tr("Récupérer maintenant", "Fetch now"),
    "fetch_queued": Tr("Récupération lancée : un worker l'exécute, le journal apparaîtra ci-"
                       "dessous.", "Fetch queued: a worker runs it, its log will appear "
                       "below."),
    "runs": Tr("Journaux d'exécution", "Execution logs"),
    "mail_queued": Tr("envoyé à", "mailed to"),
    "mail_no_address": Tr("aucune adresse e-mail de journal renseignée",
                          "no log e-mail address set"),
    "transactions": Tr("Table intermédiaire des transactions",
                       "Intermediate table of transactions"),
    "statements": Tr("Relevés", "Statements"), "all": Tr("Tous", "All"),
    "booked": Tr("Comptabilisée", "Booked"), "pending": Tr("En attente", "Pending"),
    "deleted": Tr("Supprimée", "Deleted"), "since": Tr("Du", "From"), "until": Tr("Au", "To"),
    "only_unstated": Tr("Hors relevé seulement", "Not in a statement only"),
    "search": Tr("Libellé", "Label"), "filter": Tr("Filtrer", "Filter"),
    "date": Tr("Date", "Date"), "amount": Tr("Montant", "Amount"),
    "label": Tr("Libellé", "Label"), "status": Tr("Statut", "Status"),
    "version": Tr("Version", "Version"), "statement": Tr("Relevé", "Statement"),
    "opening_part": Tr("solde d'ouverture", "opening balance"),
    "none": Tr("Rien pour l'instant.", "Nothing yet."),
    "generate": Tr("Générer le relevé", "Generate the statement"),
    "period": Tr("Période", "Period"), "day": Tr("Jour", "Day"), "week": Tr("Semaine", "Week"),
    "month": Tr("Mois", "Month"),
    "since_last": Tr("Tout depuis le dernier relevé", "Everything since the last statement"),
    "number": Tr("N°", "No."), "opening": Tr("Solde d'ouverture", "Opening balance"),
    "closing": Tr("Solde de clôture", "Closing balance"), "lines": Tr("Lignes", "Lines"),
    "difference": Tr("Écart avec Bridge", "Difference with Bridge"),
    "check": Tr("Contrôle du solde", "Balance check"),
    "download": Tr("Télécharger", "Download"), "by": Tr("Par", "By"),
    "kind": Tr("Nature", "Kind"), "correction": Tr("Correction", "Correction"),
    "back": Tr("Retour aux banques", "Back to the banks"),
    "immutable": Tr("Un relevé généré ne change plus : une correction arrive comme ligne du "
                    "relevé suivant.", "A generated statement never changes: a correction "
                    "comes as a line of the next one."),
    "connected": Tr("Banque connectée : ses comptes sont listés ci-dessous. Affectez-les à "
                    "une société et à un code journal.",
                    "Bank connected: its accounts are listed below. Assign them to a company "
                    "and a journal code."),
    "connect_failed": Tr("La connexion de la banque n'a pas abouti chez Bridge : recommencez.",
                         "The bank connection did not complete at Bridge: start again."),
    "saved": Tr("Enregistré.", "Saved."),
    "screen_link": Tr("Banques, comptes, transactions et relevés",
                      "Banks, accounts, transactions and statements"),
}

# What started a fetch run (the run's `trigger`).
TRIGGERS = {
    "schedule": Tr("planification", "schedule"), "webhook": Tr("à la demande de Bridge",
                                                               "asked by Bridge"),
    "console": Tr("console", "console"), "cli": Tr("ligne de commande", "command line"),
}
