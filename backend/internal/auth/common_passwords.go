package auth

import "strings"

// commonPasswords are passwords that pass the class rules yet appear at the
// top of every leaked-password list, Chinese ones included (keyboard walks,
// pinyin, 年份 and 123 suffixes). Compared ignoring case.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		password1 password1! passw0rd passw0rd! p@ssw0rd p@ssword p@ssw0rd1 password123 password@123 password#123
		admin123 admin@123 admin#123 admin123! admin@1234 admin@2017 administrator1 root@123 root123! test@123 test1234!
		qwer1234 qwer1234! qwe123!@# qwerty123 qwerty123! qwerty@123 1qaz@wsx 1qaz2wsx! 1qaz!qaz zaq1@wsx 1q2w3e4r! 1q2w3e4r5t
		abc123!@# abc@1234 abc12345! abcd1234! abcd@1234 aa123456 aa123456! aa123456. a1234567 a123456! a123456789 asd123!@#
		woaini1314 woaini520 woaini@1314 iloveyou1! iloveyou2 huang123! zhang123! wang1234! li123456! liu123456 chen1234!
		123qwe!@# 123qweasd 123qwe!q 12345qwert 1234qwer! 123456aa 123456abc 123456qq qq123456 qq123456! zxc123!@#
		welcome1! welcome@1 welcome123 changeme1 changeme! letmein1! sunshine1 monkey123 dragon123 football1 baseball1
		p@55w0rd p@55word pa55w0rd! passwd123 mima1234 mima@123 mima123! 88888888a a88888888 66666666a
		china123! china@123 beijing2008 beijing@123 kunming123 yunnan123 guest@123 user@1234 system@123 server@123
		`) {
		commonPasswords[p] = true
	}
}

func isCommonPassword(p string) bool { return commonPasswords[strings.ToLower(p)] }
