// Browser smoke and accessibility tests: a requester submits a request in headless Chromium, a
// technician finds it in the queue, and axe-core checks the main pages (WCAG 2.1 AA) with zero
// serious or critical violations. Run by scripts/test.sh against a seeded server.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const base = process.env.GUICHET_URL || 'http://127.0.0.1:8080';
const PASSWORD = 'Guichet-demo-2026';

let passed = 0;
let failed = 0;
const results = [];

async function check(name, fn) {
  try {
    await fn();
    passed++;
    results.push(`ok   ${name}`);
  } catch (e) {
    failed++;
    results.push(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').slice(0, 4).join('\n     ')}`);
  }
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

// SCREENSHOTS=dir keeps a picture of every page checked, for a person to look at.
let shot = 0;
async function axe(page, label) {
  if (process.env.SCREENSHOTS) {
    shot++;
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/${String(shot).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
  }
  await page.addScriptTag({ path: axePath });
  const r = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const bad = r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.length === 0, `${label}: ${bad.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`).join('; ')}`);
}

async function signIn(page, email) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Adresse courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState('domcontentloaded');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ bypassCSP: true, locale: 'fr-CA' });
  const page = await context.newPage();
  let number = '';

  await check('the sign-in page is accessible', async () => {
    await page.goto(`${base}/login`);
    expect(await page.title() === 'Se connecter — Guichet', `title: ${await page.title()}`);
    await axe(page, 'login');
  });

  await check('a wrong password gets a clear message', async () => {
    await page.getByLabel('Adresse courriel').fill('demandeur@guichet.example');
    await page.getByLabel('Mot de passe').fill('pas le bon');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Adresse courriel ou mot de passe incorrect.').waitFor();
    await axe(page, 'login with error');
  });

  await check('a requester submits a request from the catalog', async () => {
    await signIn(page, 'demandeur@guichet.example');
    expect(page.url().endsWith('/requests'), `landed on ${page.url()}`);
    await axe(page, 'my requests');
    await page.getByRole('link', { name: 'Nouvelle demande' }).first().click();
    await axe(page, 'new request: domains');
    await page.getByRole('link', { name: /Technologies de l.information/ }).click();
    await axe(page, 'new request: categories');
    await page.getByRole('link', { name: /Projecteur ou TNI défectueux/ }).click();
    await axe(page, 'new request: form');
    // Submitting empty shows the errors, accessibly.
    await page.getByRole('button', { name: 'Soumettre la demande' }).click();
    await page.getByText('Le formulaire contient des erreurs').waitFor();
    await axe(page, 'new request: form with errors');
    await page.getByLabel('Titre').fill('Projecteur qui clignote au local 204');
    await page.getByLabel('Description').fill('Depuis ce matin, l\'image saute toutes les deux minutes.');
    await page.getByLabel('Local').selectOption({ index: 1 });
    await page.getByLabel('Appareil').selectOption('projecteur');
    await page.getByLabel("Numéro d'inventaire").fill('CSS-000101');
    await page.getByRole('button', { name: 'Soumettre la demande' }).click();
    await page.getByText('Votre demande a été soumise').waitFor();
    number = (await page.locator('h1 .number').textContent()).trim();
    expect(/^DS-\d{6}$/.test(number), `number: ${number}`);
    await axe(page, 'request page (requester)');
    await page.getByText('CSS-000101').first().waitFor();
  });

  await check('the requester adds a comment and sees the confirmation', async () => {
    await page.getByRole('textbox', { name: 'Commentaire', exact: true }).fill('Le problème persiste après redémarrage.');
    await page.getByRole('button', { name: 'Publier' }).click();
    await page.getByText('Votre commentaire a été publié.').waitFor();
  });

  await check('the technician finds it in the queue and takes it', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'tech.ti@guichet.example');
    expect(page.url().endsWith('/queue'), `landed on ${page.url()}`);
    await page.getByRole('link', { name: number }).first().waitFor();
    await axe(page, 'queue');
    await page.getByRole('link', { name: number }).first().click();
    await page.getByRole('button', { name: "M'assigner cette demande" }).click();
    await page.getByText("L'assignation a été mise à jour.").waitFor();
    // Raising the priority recomputes the due dates, explained on the page.
    await page.getByLabel('Priorité').selectOption('urgent');
    await page.getByRole('button', { name: 'Changer la priorité' }).click();
    await page.getByText('La priorité a été changée').waitFor();
    await page.getByText('Pourquoi cette échéance ?').click();
    await page.getByText(/Politique « Standard »/).waitFor();
    await axe(page, 'request page with the SLA explained');
    // An action without a choice is refused with a message, and nothing changes.
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByText('Choisissez une des options proposées.').first().waitFor();
    await axe(page, 'request page with a refused action');
    await page.getByLabel('Action').selectOption({ label: 'Résoudre' });
    await page.getByRole('textbox', { name: 'Note' }).fill('Lampe du projecteur remplacée.');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByText('Le statut a été mis à jour.').waitFor();
    await axe(page, 'request page (technician)');
  });

  await check('pages switch to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Work queue' }).waitFor();
    await axe(page, 'queue in English');
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('link', { name: 'File de travail' }).waitFor();
  });

  await check('the inventory pages are accessible and equipment goes to repair', async () => {
    await page.goto(`${base}/assets`);
    await page.getByRole('link', { name: 'CSS-000101' }).waitFor();
    await axe(page, 'inventory list');
    await page.getByLabel('Statut', { exact: true }).selectOption({ label: 'En réparation' });
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.getByRole('link', { name: 'CSS-000102' }).waitFor();
    await page.goto(`${base}/assets/CSS-000101`);
    await axe(page, 'asset page');
    await page.getByLabel('Nouveau statut').selectOption({ label: 'En réparation' });
    await page.getByLabel('Remarque (facultatif)').fill('Lampe à remplacer');
    await page.getByRole('button', { name: 'Changer le statut' }).click();
    await page.getByText('Le statut a été changé.').waitFor();
    await page.getByText(/Statut changé de « Déployé » à « En réparation »/).waitFor();
    await page.goto(`${base}/assets/new`);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Le formulaire contient des erreurs').first().waitFor();
    await axe(page, 'asset form with errors');
    await page.goto(`${base}/assets/import`);
    await axe(page, 'asset import');
    await page.goto(`${base}/assets/labels?unit=ecole-bouleaux`);
    await page.locator('.label svg').first().waitFor();
    await axe(page, 'asset labels');
  });

  await check('loans: a teacher books Chromebooks and the desk hands them over', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'demandeur@guichet.example');
    await page.getByRole('link', { name: 'Prêts' }).first().click();
    await page.getByRole('heading', { name: 'Mes prêts', exact: true }).waitFor();
    await axe(page, 'my loans');
    await page.getByRole('link', { name: "Réserver de l'équipement" }).click();
    const pool = await page.locator('#pool option', { hasText: '300e Chromebook' }).first().getAttribute('value');
    await page.locator('#pool').selectOption(pool);
    await page.getByLabel('Quantité').fill('3');
    await axe(page, 'book equipment');
    await page.getByRole('button', { name: 'Réserver' }).click();
    await page.getByText('La réservation est enregistrée.').waitFor();
    await page.getByRole('button', { name: "J'accepte les conditions de prêt" }).click();
    await page.getByText('Vous avez accepté les conditions de prêt.').waitFor();
    await axe(page, 'loan page (borrower)');
    const loanUrl = page.url().split('?')[0];
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'tech.ti@guichet.example');
    await page.goto(`${base}/loans/desk`);
    await axe(page, 'lending desk');
    await page.goto(loanUrl);
    await page.getByRole('button', { name: "Remettre l'équipement" }).click();
    await page.getByText('Indiquez exactement 3 numéro(s)').first().waitFor();
    await axe(page, 'checkout refused');
    await page.goto(`${base}/loans/availability?pool=${encodeURIComponent(pool)}`);
    await page.locator('table.availability').waitFor();
    await axe(page, 'availability calendar');
  });

  await check('the administration pages are accessible', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'admin@guichet.example');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Unités administratives' }).waitFor();
    await axe(page, 'admin units');
    await page.getByRole('link', { name: 'Nouvelle unité' }).click();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Le formulaire contient des erreurs').waitFor();
    await axe(page, 'admin unit form with errors');
    await page.getByRole('link', { name: 'Personnes' }).click();
    await page.getByRole('link', { name: 'Julie Tremblay' }).click();
    await page.getByRole('heading', { name: 'Rôles par unité' }).waitFor();
    await axe(page, 'admin person');
    await page.getByRole('link', { name: 'Catégories' }).click();
    await page.getByRole('link', { name: 'Projecteur ou TNI défectueux' }).click();
    await axe(page, 'admin category');
    await page.getByRole('link', { name: 'Équipes de soutien' }).click();
    await page.getByRole('link', { name: 'Soutien TI' }).click();
    await axe(page, 'admin team');
    await page.getByRole('link', { name: "Politiques d'ENS" }).click();
    await page.getByRole('link', { name: 'Standard' }).click();
    await axe(page, 'admin SLA policy');
    await page.getByRole('link', { name: 'Calendriers' }).click();
    await page.getByRole('link', { name: /Heures de bureau/ }).click();
    await axe(page, 'admin calendar');
    await page.getByRole('link', { name: 'Processus' }).click();
    await page.locator('#main').getByRole('link', { name: 'Transport', exact: true }).click();
    await page.getByRole('heading', { name: 'États et transitions' }).waitFor();
    await axe(page, 'admin workflow');
    await page.getByRole('link', { name: 'Groupes' }).click();
    await page.getByRole('link', { name: 'Direction générale' }).click();
    await page.getByText('Hélène Lapointe').waitFor();
    await axe(page, 'admin group');
    await page.getByRole('link', { name: 'Courriels' }).click();
    await page.getByRole('heading', { name: 'Courriels non envoyés' }).waitFor();
    await axe(page, 'admin emails');
    await page.locator('a[href="/admin/emails/status_changed?lang=fr"]').click();
    await page.getByRole('heading', { name: 'Version texte' }).waitFor();
    await axe(page, 'admin email preview');
    await page.goto(`${base}/admin/retention`);
    await page.getByRole('heading', { name: 'Politiques de conservation' }).waitFor();
    await axe(page, 'admin retention');
    await page.getByLabel("Date d'application").fill('2034-06-30');
    await page.getByRole('button', { name: "Voir l'aperçu" }).click();
    await page.locator('.report').waitFor();
    await axe(page, 'admin retention preview');
    await page.getByRole('link', { name: 'Anne Bouchard' }).click();
    await page.getByRole('heading', { name: 'Mon profil' }).waitFor();
    await axe(page, 'profile');
    await page.getByLabel('Un résumé par jour', { exact: false }).check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Vos préférences sont enregistrées.').waitFor();
    await page.getByLabel('Un courriel à chaque événement').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Vos préférences sont enregistrées.').waitFor();
  });

  await check('a director approves a request from « À approuver »', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'direction@guichet.example');
    await page.getByRole('link', { name: 'À approuver' }).click();
    await page.getByRole('heading', { name: 'Demandes à approuver' }).waitFor();
    await axe(page, 'approvals');
    const first = page.locator('.approval-list > li').first();
    await first.getByRole('textbox', { name: 'Commentaire' }).fill('Approuvé, budget disponible.');
    await first.getByRole('button', { name: 'Approuver' }).click();
    await page.getByText('Votre approbation est enregistrée.').waitFor();
    await axe(page, 'approvals after a decision');
  });

  await check('the auditor searches the log of reads', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'prp@guichet.example');
    await page.getByRole('link', { name: 'Journal' }).click();
    await page.locator('table.requests').waitFor();
    await axe(page, 'audit log');
    await page.getByRole('link', { name: 'Consultations de renseignements personnels' }).click();
    await page.getByLabel('Personne (courriel)').fill('tech.ti@guichet.example');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.locator('table.requests').waitFor();
    await axe(page, 'audit log of reads');
    await page.goto(`${base}/audit/export`);
    await page.getByLabel('Adresse courriel de la personne').fill('personne@nulle.part');
    await page.getByRole('button', { name: "Produire l'export (ZIP)" }).click();
    await page.getByText('Aucune personne').first().waitFor();
    await axe(page, 'data-subject export with an unknown address');
  });

  await check('transport: the calendar, a carrier confirmed, carriers and feeds are accessible', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'tech.transport@guichet.example');
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Transport' }).click();
    await page.getByRole('heading', { name: 'Calendrier des transports' }).waitFor();
    await axe(page, 'trip calendar, week');
    await page.getByRole('link', { name: 'Mois' }).click();
    await page.locator('table.month').waitFor();
    await axe(page, 'trip calendar, month');
    await page.getByRole('link', { name: 'Vue tableau' }).click();
    const row = page.locator('tr', { hasText: 'Transporteur à confirmer' }).first();
    await row.waitFor();
    await axe(page, 'trip calendar, month as a table');
    await row.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Déplacement' }).waitFor();
    await axe(page, 'a trip to confirm');
    await page.getByLabel('Transporteur', { exact: true }).selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Confirmer et aviser le demandeur' }).click();
    await page.getByText('Le transporteur est confirmé et le demandeur en a été avisé.').waitFor();
    await page.goto(`${base}/transport/carriers`);
    await page.getByRole('heading', { name: 'Ajouter un transporteur' }).waitFor();
    await axe(page, 'carriers');
    await page.getByLabel('Nom').fill('');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('Le formulaire contient des erreurs.', { exact: false }).waitFor();
    await axe(page, 'carriers with errors');
    await page.goto(`${base}/transport/feeds`);
    await page.getByRole('button', { name: "Créer un lien d'abonnement" }).click();
    await page.getByRole('textbox', { name: "Nouveau lien d'abonnement" }).waitFor();
    await axe(page, 'calendar feeds');
  });

  await check('a requester asks for a bus: the trip form is accessible and explains the notice', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'demandeur@guichet.example');
    await page.goto(`${base}/requests/new?category=tr-sortie-educative`);
    await page.getByLabel('Heure de départ').waitFor();
    await axe(page, 'new trip form');
    await page.getByLabel('Titre').fill('Sortie au musée');
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    await page.getByLabel('Date du déplacement').fill(tomorrow);
    await page.getByLabel('Heure de départ').fill('08:30');
    await page.getByLabel('Heure de retour').fill('15:00');
    await page.getByLabel('Destination (nom)').fill('Musée');
    await page.getByLabel('Adresse de la destination').fill('85, rue Dalhousie, Québec');
    await page.getByLabel("Nombre d'élèves").fill('24');
    await page.getByLabel("Nombre d'adultes").fill('3');
    await page.getByLabel('Type de véhicule').selectOption('autobus');
    await page.getByLabel('Code budgétaire').fill('5-123-456');
    await page.getByRole('button', { name: 'Soumettre la demande' }).click();
    await page.getByText('jours ouvrables à l\'avance', { exact: false }).first().waitFor();
    await axe(page, 'trip refused for its notice');
    await page.getByRole('link', { name: 'Mes sorties' }).click();
    await page.getByRole('heading', { name: 'Sorties à venir' }).waitFor();
    await axe(page, 'upcoming trips');
  });

  await check('dashboards: a service manager and a director read theirs; the report prints', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'gestion.ti@guichet.example');
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Tableau de bord' }).click();
    await page.getByRole('heading', { name: 'Chiffres clés', exact: false }).waitFor();
    await axe(page, 'dashboard (service manager)');
    for (const summary of await page.locator('details.chart-data summary').all()) await summary.click();
    await axe(page, 'dashboard with the charts\' tables open');
    await page.getByLabel('Période', { exact: true }).selectOption('custom');
    await page.getByLabel('Du', { exact: true }).fill('2026-11-30');
    await page.getByLabel('Au', { exact: true }).fill('2026-11-01');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByText('La fin de la période doit suivre son début.').waitFor();
    await axe(page, 'dashboard with a wrong period');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'direction@guichet.example');
    await page.goto(`${base}/dashboard`);
    await page.getByRole('heading', { name: 'Chiffres clés', exact: false }).waitFor();
    await axe(page, 'dashboard (director)');
    await page.getByRole('link', { name: 'Rapport mensuel', exact: false }).click();
    await page.getByRole('heading', { name: 'Rapport de service', exact: false }).waitFor();
    await axe(page, 'monthly report');
    await page.emulateMedia({ media: 'print' });
    expect(!(await page.getByRole('navigation', { name: 'Navigation principale' }).isVisible()), 'navigation printed');
    await page.emulateMedia({ media: 'screen' });
  });

  await check('a requester rates a resolved request', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'demandeur@guichet.example');
    await page.goto(`${base}/requests?status=resolved`);
    await page.locator('table.requests a').first().click();
    await page.getByRole('heading', { name: 'Votre avis' }).waitFor();
    await axe(page, 'request page with the rating form');
    await page.getByLabel('4 — Satisfait').check();
    await page.getByLabel('Commentaire (facultatif)').fill('Rapide et efficace.');
    await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
    await page.getByText('Merci pour votre avis.').waitFor();
    await axe(page, 'request page after rating');
  });

  await check('an unknown page is a friendly 404', async () => {
    const res = await page.goto(`${base}/requests/DS-999999`);
    expect(res.status() === 404, `status ${res.status()}`);
    await axe(page, '404 page');
  });
} finally {
  await browser.close();
}

for (const r of results) console.log(r);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
