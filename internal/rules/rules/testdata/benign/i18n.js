// Locale data: lists of languages are not a locale gate on their own.
const LOCALES = ['en-US', 'de-DE', 'fr-FR', 'ru-RU', 'uk-UA', 'zh-CN'];
function pick(lang) {
  return LOCALES.includes(lang) ? lang : 'en-US';
}
module.exports = { LOCALES, pick, now: () => new Date() };
