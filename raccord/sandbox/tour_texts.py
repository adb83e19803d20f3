"""The words of the welcome page's feature examples (receipts, trip, signature, bank,
calendar, the demo employee), in French and English."""

from __future__ import annotations

from raccord.core.i18n import Tr

W: dict[str, Tr] = {
    "employee": Tr("Collaborateur de démonstration", "Demo employee"),
    "employee_help": Tr("Connectez-vous avec ce compte (rôle collaborateur), depuis un "
                        "téléphone par exemple : il ne voit que ses notes de frais, où les "
                        "exemples ci-dessous ajoutent justificatifs et trajets.",
                        "Sign in with this account (employee role), from a phone for "
                        "instance: it sees only its own expense reports, where the examples "
                        "below add receipts and trips."),
    "login": Tr("Identifiant", "Login"),
    "state": Tr("État :", "Status:"),
    "password": Tr("Mot de passe", "Password"),
    "mailbox": Tr("Boîte aux lettres", "Mailbox"),
    "bank_user": Tr("Utilisateur Bridge (comptabilité)", "Bridge user (accounting)"),
    "receipts": Tr("Justificatifs d'essai, dessinés par raccord : chacun est lu par l'OCR "
                   "(simulateur Mindee), puis la proposition à vérifier s'ouvre.",
                   "Sample receipts drawn by raccord: each is read by OCR (Mindee "
                   "simulator), then the proposal to check opens."),
    "receipt": Tr("Justificatif", "Receipt"),
    "photo": Tr("Photo de ticket", "Photo of a ticket"),
    "scan": Tr("Ticket scanné en PDF", "Ticket scanned to PDF"),
    "read": Tr("Lire", "Read"),
    "reads": Tr("lu :", "read:"),
    "vat": Tr("TVA", "VAT"),
    "receipts_help": Tr("Chacun va dans la note « Essai raccord » du collaborateur de "
                        "démonstration, et rien n'est enregistré avant la confirmation. "
                        "Chaque fichier se télécharge aussi, pour l'envoyer à la main depuis "
                        "une note (un téléphone, par exemple).",
                        "Each goes in the demo employee's report 'Essai raccord', and nothing "
                        "is saved before it is confirmed. Each file can be downloaded too, to "
                        "send it by hand from a report (a phone, for instance)."),
    "trip": Tr("Trajet Paris → Lyon", "Trip Paris → Lyon"),
    "trip_outcome": Tr("la distance est demandée à Google (Distance Matrix) et l'indemnité "
                       "kilométrique calculée au barème, pour une voiture de 5 CV",
                       "the distance is asked of Google (Distance Matrix) and the mileage "
                       "allowance worked out on the official scale, for a 5 CV car"),
    "trip_button": Tr("Ajouter ce trajet", "Add this trip"),
    "trip_help": Tr("Dans la note, « Ajouter un trajet » complète les adresses en cours de "
                    "frappe (Google Places) : tapez « Pari » puis choisissez « Paris, "
                    "France ».",
                    "In the report, 'Add a trip' completes addresses as they are typed "
                    "(Google Places): type 'Pari', then pick 'Paris, France'."),
    "sign": Tr("Un devis de la société DEMO à faire signer par le collaborateur de "
               "démonstration : raccord l'envoie à Universign (simulateur), puis la page "
               "de signature du simulateur s'ouvre depuis l'étape suivante.",
               "A quote of the DEMO company to be signed by the demo employee: raccord sends "
               "it to Universign (simulator), then the simulator's signing page opens from "
               "the next step."),
    "sign_button": Tr("Envoyer un devis à signer", "Send a quote to sign"),
    "sign_title": Tr("Essai : un devis à signer", "Trying: a quote to sign"),
    "sign_sending": Tr("raccord envoie le devis à Universign…",
                       "raccord is sending the quote to Universign…"),
    "sign_open": Tr("Ouvrir la page de signature (simulateur Universign)",
                    "Open the signing page (Universign simulator)"),
    "sign_steps": Tr("Sur la page du simulateur, cliquez « Signer » (ou refusez, avec un "
                     "motif). Revenez ensuite ici : l'état de la demande suit ce que dit "
                     "Universign.",
                     "On the simulator's page, click 'Signer' (or refuse, with a reason). "
                     "Then come back here: the request's state follows what Universign "
                     "says."),
    "sign_check": Tr("Demander l'état à Universign maintenant",
                     "Ask Universign for the state now"),
    "sign_check_help": Tr("Sinon la tâche de suivi (ou un webhook d'Universign) le fait "
                          "d'elle-même.",
                          "Otherwise the follow-up task (or a Universign webhook) does it by "
                          "itself."),
    "sign_request": Tr("Voir la demande de signature", "See the signature request"),
    "certificate": Tr("Les pages des simulateurs (signature, banque, agenda) ont un "
                      "certificat de l'autorité du bac à sable : le navigateur avertit qu'il "
                      "ne la connaît pas (elle est dans RACCORD_HOME/sandbox/sandbox-ca.pem) ; "
                      "poursuivez vers le site.",
                      "The simulators' pages (signature, bank, calendar) have a certificate "
                      "of the sandbox's authority: the browser warns it does not know it (it "
                      "is in RACCORD_HOME/sandbox/sandbox-ca.pem); proceed to the site."),
    "bank": Tr("Connecter la banque de démonstration : raccord crée l'utilisateur Bridge de "
               "la société (s'il n'existe pas), ouvre une session de connexion et vous mène "
               "à la page de la banque (simulateur Bridge).",
               "Connect the demo bank: raccord creates the company's Bridge user (if there is "
               "none), opens a connect session and takes you to the bank's page (Bridge "
               "simulator)."),
    "bank_button": Tr("Connecter une banque", "Connect a bank"),
    "bank_steps": Tr("Sur la page de la banque : n'importe quel identifiant, un mot de passe "
                     "autre que « wrong », le code SMS 123456. De retour dans raccord, les "
                     "comptes apparaissent : affectez-les à DEMO (journal BQ1), cliquez "
                     "« Récupérer maintenant », puis générez un relevé sur la page Relevés.",
                     "On the bank's page: any login, a password other than 'wrong', the SMS "
                     "code 123456. Back in raccord the accounts appear: assign them to DEMO "
                     "(journal BQ1), click 'Fetch now', then generate a statement on the "
                     "Statements page."),
    "calendar": Tr("Un rendez-vous de demain, 10 h à 11 h, dans l'agenda du collaborateur de "
                   "démonstration : raccord le pousse dans Microsoft 365 (simulateur Graph), "
                   "puis la page de la boîte aux lettres montre son état.",
                   "An appointment tomorrow, 10:00 to 11:00, in the demo employee's "
                   "calendar: raccord pushes it to Microsoft 365 (Graph simulator), then the "
                   "mailbox's page shows its state."),
    "calendar_button": Tr("Planifier un rendez-vous", "Plan an appointment"),
    "calendar_steps": Tr("Déplacez-le « dans Outlook » sur la vue du simulateur (bouton "
                         "Move), puis « Synchroniser maintenant » sur la page de la boîte : le "
                         "nouvel horaire revient dans raccord.",
                         "Move it 'in Outlook' on the simulator's view (Move button), then "
                         "click 'Synchronise now' on the mailbox's page: the new time comes back "
                         "into raccord."),
    "outlook": Tr("Vue « Outlook » de la boîte (simulateur)",
                  "The mailbox's 'Outlook' view (simulator)"),
}
