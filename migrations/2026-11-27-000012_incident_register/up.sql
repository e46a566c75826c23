-- The register of confidentiality incidents (Loi 25, art. 63.8 of the access law: a public body
-- records every incident involving personal information and assesses the risk of serious harm).
-- A confidential category with no team: only the person who declares the incident and the
-- auditors (the person in charge of the protection of personal information) see its requests.
INSERT INTO categories (code, domain, name_fr, name_en, description_fr, description_en, form,
                        default_priority, position, workflow_id, confidential)
SELECT 'incident-confidentialite', 'ti',
  'Incident de confidentialité',
  'Confidentiality incident',
  'Perte, vol, accès ou communication non autorisés de renseignements personnels. Seuls la personne qui déclare l''incident et le responsable de la protection des renseignements personnels voient la déclaration.',
  'Loss, theft, unauthorized access to or disclosure of personal information. Only the person declaring the incident and the person in charge of the protection of personal information see the declaration.',
  '{"fields": [
    {"key": "date_incident", "label_fr": "Date de l''incident", "label_en": "Date of the incident", "type": "date", "required": true},
    {"key": "date_connaissance", "label_fr": "Date où l''incident a été connu", "label_en": "Date the incident became known", "type": "date", "required": true},
    {"key": "nature", "label_fr": "Nature de l''incident", "label_en": "Nature of the incident", "type": "select", "required": true, "options": [
      {"value": "acces", "label_fr": "Accès non autorisé", "label_en": "Unauthorized access"},
      {"value": "utilisation", "label_fr": "Utilisation non autorisée", "label_en": "Unauthorized use"},
      {"value": "communication", "label_fr": "Communication non autorisée", "label_en": "Unauthorized disclosure"},
      {"value": "perte", "label_fr": "Perte ou vol", "label_en": "Loss or theft"},
      {"value": "autre", "label_fr": "Autre atteinte à la protection", "label_en": "Other breach of protection"}]},
    {"key": "personnes", "label_fr": "Personnes concernées (nombre et qui : élèves, parents, employés)", "label_en": "People concerned (how many and who: students, parents, employees)", "type": "long_text", "required": true},
    {"key": "renseignements", "label_fr": "Renseignements personnels concernés", "label_en": "Personal information concerned", "type": "long_text", "required": true},
    {"key": "risque", "label_fr": "Risque de préjudice sérieux", "label_en": "Risk of serious harm", "type": "select", "required": true, "options": [
      {"value": "a-evaluer", "label_fr": "À évaluer", "label_en": "To be assessed"},
      {"value": "faible", "label_fr": "Faible", "label_en": "Low"},
      {"value": "serieux", "label_fr": "Sérieux", "label_en": "Serious"}]},
    {"key": "evaluation", "label_fr": "Évaluation du risque (sensibilité, conséquences, probabilité d''utilisation)", "label_en": "Risk assessment (sensitivity, consequences, likelihood of misuse)", "type": "long_text", "required": false},
    {"key": "mesures", "label_fr": "Mesures prises pour réduire le risque et éviter que l''incident se reproduise", "label_en": "Measures taken to reduce the risk and prevent a recurrence", "type": "long_text", "required": false},
    {"key": "avis_cai", "label_fr": "Avis à la Commission d''accès à l''information", "label_en": "Notice to the Commission d''accès à l''information", "type": "select", "required": true, "options": [
      {"value": "non-requis", "label_fr": "Non requis", "label_en": "Not required"},
      {"value": "a-faire", "label_fr": "À faire", "label_en": "To do"},
      {"value": "fait", "label_fr": "Fait", "label_en": "Done"}]},
    {"key": "date_avis_cai", "label_fr": "Date de l''avis à la Commission", "label_en": "Date of the notice to the Commission", "type": "date", "required": false},
    {"key": "avis_personnes", "label_fr": "Avis aux personnes concernées", "label_en": "Notice to the people concerned", "type": "select", "required": true, "options": [
      {"value": "non-requis", "label_fr": "Non requis", "label_en": "Not required"},
      {"value": "a-faire", "label_fr": "À faire", "label_en": "To do"},
      {"value": "fait", "label_fr": "Fait", "label_en": "Done"}]},
    {"key": "date_avis_personnes", "label_fr": "Date de l''avis aux personnes", "label_en": "Date of the notice to the people", "type": "date", "required": false}
  ]}'::jsonb,
  'high', 90, w.id, TRUE
FROM workflows w WHERE w.code = 'standard'
ON CONFLICT (code) DO NOTHING;
