package endpoints

import "strings"

// The lists below are deliberately small and embedded: vouch runs offline
// and must not depend on a downloaded public-suffix list. They decide what
// counts as a host name; a name outside them is simply not reported.

// ccTLDs are the delegated two-letter country-code top-level domains.
const ccTLDs = `ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo
br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er
es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie
il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma
mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa
pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st
su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf
ws ye yt za zm zw`

// gTLDs are the generic top-level domains seen in software and in abuse;
// "internal" (reserved for private use) is here for metadata.google.internal
// and "invalid" (RFC 2606) for inert test data.
const gTLDs = `com net org edu gov mil int arpa info biz name pro mobi asia tel travel jobs museum aero
coop cat xxx post onion internal app dev page xyz top icu click online site store shop club live life tech
cloud link space fun website digital world today network software systems codes tools run email agency
services solutions news blog work works win bid loan download racing review stream trade date party science
cricket faith accountant men kim country gdn cam buzz rest fit cyou sbs cfd monster quest bond lol mom
beauty hair skin boats autos support host zip mov ninja guru rocks best vip ltd company group global one
plus art design media studio games game chat team center zone city inc llc wiki tools lat bar surf ink
wtf fyi gay sexy porn adult casino bet poker tokyo london berlin nyc moscow invalid`

// bareTLDs are the TLDs accepted for a host name that stands alone, not in
// a URL. The others also name file types (.sh, .py, .md, .zip, .in, .am),
// or are common property names in code (.top, .name, .link, .id, .it, .to,
// .at, .app, .click, .date); those are only believed after "scheme://".
const bareTLDs = `com net org edu gov mil info biz io co us uk de fr ru cn jp kr br au ca nl se
ch eu es pt be ie nz za mx ar cl vn th ua kz tr gr cz sk hu ro bg dk fi il sg ae sa pk bd ng ke eg tw hk
ir kp su tk ml cf gq pw ga ws tv me ly gg xyz icu online cloud tech shop club buzz cyou sbs cfd monster
quest lol bond party science cricket faith accountant men kim country gdn trade racing onion invalid`

// secondLevel are public suffixes under a ccTLD: the registrable name of
// "www.example.co.uk" is "example.co.uk".
const secondLevel = `co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk com.au net.au org.au edu.au
gov.au co.jp ne.jp or.jp ac.jp go.jp co.kr or.kr com.br net.br org.br com.cn net.cn org.cn gov.cn edu.cn
co.in net.in org.in gov.in co.nz org.nz com.mx com.ar com.tr com.tw com.hk com.sg com.my co.za co.il
com.ua com.ru com.pl com.vn co.id or.id com.sa com.eg com.pk com.ng github.io gitlab.io pages.dev
netlify.app vercel.app herokuapp.com workers.dev azurewebsites.net cloudfront.net appspot.com
blogspot.com s3.amazonaws.com r2.dev web.app firebaseapp.com glitch.me repl.co`

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	allTLDs       = set(ccTLDs + " " + gTLDs)
	bareTLDSet    = set(bareTLDs)
	secondLevels  = set(secondLevel)
	cheapTLDSet   = set(cheapTLDs)
	schemaHostSet = set(schemaHosts)
)

// cheapTLDs are TLDs sold for next to nothing and prominent in abuse
// reports (Spamhaus and Interisle yearly statistics).
const cheapTLDs = `top xyz icu click online site store shop club live buzz rest fit cyou sbs cfd monster
quest bond lol mom beauty hair skin boats autos support work win bid loan download racing review stream
trade date party science cricket faith accountant men kim country gdn cam tk ml ga cf gq pw su lat bar
surf`

// Hosts that only serve raw file contents: a release fetching code from
// them is fetching from a place anyone can write to.
var rawContentHosts = []string{"raw.githubusercontent.com", "gist.githubusercontent.com", "gist.github.com",
	"objects.githubusercontent.com", "raw.githack.com", "rawcdn.githack.com", "cdn.statically.io",
	"bitbucket.org/*/raw/", "gitlab.com/*/-/raw/", "github.com/*/raw/", "cdn.jsdelivr.net/gh/"}

// Paste sites and anonymous file drops.
var pasteHosts = []string{"pastebin.com", "paste.ee", "hastebin.com", "rentry.co", "rentry.org",
	"ghostbin.com", "ghostbin.co", "dpaste.com", "dpaste.org", "controlc.com", "paste.rs", "pastes.io",
	"justpaste.it", "privatebin.net", "transfer.sh", "file.io", "0x0.st", "temp.sh", "bashupload.com",
	"oshi.at", "gofile.io", "anonfiles.com", "catbox.moe", "files.catbox.moe", "termbin.com", "ix.io",
	"sprunge.us", "pastebin.pl"}

// Webhook, request-capture and tunnelling services: places to send data
// to without running a server.
var webhookHosts = []string{"webhook.site", "discord.com/api/webhooks/", "discordapp.com/api/webhooks/",
	"hooks.slack.com", "*.pipedream.net", "pipedream.net", "*.requestbin.com", "requestbin.net",
	"*.ngrok.io", "*.ngrok-free.app", "*.ngrok.app", "ngrok.io", "*.burpcollaborator.net",
	"*.oastify.com", "*.interact.sh", "*.oast.fun", "*.oast.live", "*.oast.site", "*.oast.online",
	"*.oast.pro", "*.oast.me", "canarytokens.com", "*.canarytokens.com", "api.telegram.org/bot",
	"*.trycloudflare.com", "*.loca.lt", "serveo.net", "*.serveo.net", "beeceptor.com",
	"*.beeceptor.com", "requestcatcher.com", "*.requestcatcher.com", "hookbin.com", "*.x.pipedream.net",
	"*.free.beeceptor.com", "dnslog.cn", "*.dnslog.cn", "*.ceye.io"}

// Free dynamic-DNS zones: host names that follow a changing address.
var dynamicDNSHosts = []string{"*.duckdns.org", "*.no-ip.org", "*.no-ip.biz", "*.ddns.net", "*.hopto.org",
	"*.zapto.org", "*.servebeer.com", "*.serveftp.com", "*.sytes.net", "*.myftp.org", "*.dynu.net",
	"*.freedns.afraid.org", "*.mooo.com", "*.dyndns.org", "*.changeip.com", "*.3utilities.com"}

// URL shorteners hide where a link leads.
var shortenerHosts = []string{"bit.ly", "tinyurl.com", "t.co", "goo.gl", "is.gd", "cutt.ly", "rb.gy",
	"shorturl.at", "ow.ly", "buff.ly", "t.ly", "v.gd", "tiny.cc", "rebrand.ly"}

// schemaHosts serve XML namespaces, DTDs and JSON schemas: real URLs that
// programs name without ever fetching them.
const schemaHosts = `www.w3.org w3.org schemas.microsoft.com schemas.xmlsoap.org
schemas.openxmlformats.org ns.adobe.com purl.org json-schema.org xmlns.com schemas.android.com
java.sun.com xml.org relaxng.org docbook.org www.oasis-open.org docs.oasis-open.org
schemas.dmtf.org www.xfa.org ns.microsoft.com`

// schemaURLPrefixes are schema locations on hosts that also serve other
// things.
var schemaURLPrefixes = []string{"http://www.apple.com/DTDs/", "https://www.apple.com/DTDs/",
	"http://www.apache.org/xml/", "http://xml.apache.org/", "http://www.springframework.org/schema/"}

// vendors are names attackers imitate in host names. maxEdits is how many
// character edits still count as imitation (0: only look-alike characters
// such as 0 for o or rn for m), chosen per name so that ordinary words a
// letter away ("docket", "discard") do not count.
var vendors = []struct {
	name     string
	maxEdits int
}{
	{"microsoft", 2}, {"google", 1}, {"github", 1}, {"apple", 0}, {"npmjs", 0}, {"amazon", 1},
	{"amazonaws", 2}, {"pypi", 0}, {"python", 1}, {"nodejs", 1}, {"cloudflare", 2}, {"mozilla", 1},
	{"adobe", 0}, {"docker", 0}, {"gitlab", 1}, {"bitbucket", 2}, {"dropbox", 1}, {"digicert", 1},
	{"sectigo", 1}, {"globalsign", 2}, {"jetbrains", 2}, {"oracle", 1}, {"paypal", 1},
	{"telegram", 1}, {"discord", 0}, {"slack", 0}, {"yarnpkg", 1}, {"googleapis", 2},
	{"windowsupdate", 2}, {"visualstudio", 2}, {"jsdelivr", 1}, {"sourceforge", 2}, {"rubygems", 1},
	{"debian", 1}, {"ubuntu", 1}, {"outlook", 1}, {"azure", 0}, {"unpkg", 0}, {"anthropic", 2},
	{"openai", 0}, {"huggingface", 2}, {"crowdstrike", 2}, {"solarwinds", 2},
}

// lureWords combined with a vendor name by a hyphen ("npmjs-help",
// "github-update") make a look-alike too.
var lureWords = set(`update updates updater login signin secure security support help verify verification
cdn download downloads auth account accounts service services api status assets static registry
package packages pkg install installer mirror team alert alerts notice notify token tokens`)

// notLookalikes are real services whose names are close to a vendor's.
var notLookalikes = set(`telegra.ph openal.org`)
