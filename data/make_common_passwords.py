#!/usr/bin/env python3
"""Writes data/common-passwords.txt: the passwords Meridian refuses as too common.

The list is made here, deterministically, from what tops every published breach ranking: the
most used passwords themselves, keyboard walks and digit runs, and the common words, names and
teams people build passwords from, each with the suffixes people add (digits, years, "!", "123",
"@1"). Entries are lower case (the check compares without ASCII case) and at least 10 bytes long:
anything shorter is refused by the length rule before the list is read.

Run: python3 data/make_common_passwords.py  (then commit both files).
"""
from pathlib import Path

MIN_BYTES = 10

# The most used passwords in published breach rankings, as they are (any length: the suffixes
# below make the short ones long enough to matter).
TOP = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123
football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael
654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm
asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou 2000 charlie robert thomas
hockey ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111 zxcvbn
555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese amanda
summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder
taylor matrix minecraft william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm
hammer silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange
11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy
maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers
joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow xxxxxx
123123123 gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah 123654
porsche lakers iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000 miller
boston q1w2e3r4 brandon yamaha chester mother forever johnny edward 333333 oliver redsox player
nikita knight fender barney midnight please brandy chicago badboy slayer rangers charles angel flower
bigdaddy rabbit wizard jasper enter rachel chris steven winner adidas victoria natasha 1q2w3e4r
jasmine winter prince panties marine ghbdtn fishing cocacola casper james 232323 raiders 888888
marlboro gandalf asdfasdf crystal 87654321 12344321 golden 8675309 blowme 1q2w3e4r5t hello123
password1 password12 password123 password1234 p@ssw0rd p@ssword passw0rd pa55word pa55w0rd
welcome1 welcome123 admin admin123 administrator root toor changeme default guest user login
letmein123 iloveyou1 qwerty123 qwerty1234 abc12345 abcd1234 1qaz2wsx3edc zaq12wsx zaq1zaq1
qazwsxedc qazwsxedcrfv asdfghjkl asdfghjkl; zxcvbnm123 qwertyui qwerty12 1qazxsw2 aa123456
princess1 sunshine1 football1 baseball1 monkey123 dragon123 shadow123 master123 superman123
trustno1! welcome! password! changeme123 secret123 test1234 testtest guest123 user1234 letmein!
"""

# Keyboard walks and runs, each already long.
WALKS = """
qwertyuiop asdfghjkl zxcvbnm qwertyuiop[] asdfghjkl;' 1234567890 0987654321 1234567890- 123456789a
1q2w3e4r5t6y 1q2w3e4r5t6y7u8i9o0p q1w2e3r4t5y6 1qaz2wsx3edc4rfv zaq1xsw2cde3 qazwsxedcrfvtgb
!qaz@wsx#edc !qaz2wsx qwe123asd zxc123asd asd123qwe qweasdzxc qweasdzxc123 zxcasdqwe poiuytrewq
lkjhgfdsa mnbvcxz 147258369 159357456 741852963 963852741 123698745 147896325 1234554321
0123456789 9876543210 11223344 1122334455 112233445566 123123123123 1212121212 1231231234
qwertyqwerty asdasdasd qweqweqwe zxczxczxc abcabcabc abcdefghij abcdefghijk abcdefg123
aaaaaaaaaa 1111111111 0000000000 2222222222 5555555555 7777777777 8888888888 9999999999
1234512345 1234567891 12345678910 123456789123 1234567890123 password password11 qwerty123456
qwertyuiop123 asdfghjkl123 zxcvbnm1234 1q2w3e4r5t6y7u 1qaz!qaz 1qaz@wsx 1qaz2wsx! 2wsx3edc
a1b2c3d4e5 a1s2d3f4g5 q1w2e3r4t5y6u7 z1x2c3v4b5 1a2b3c4d5e abc123abc123 qwerty1! azertyuiop
azerty123 azerty1234 qwertz123 qwertzuiop ytrewq654321 password1! password1234567890
"""

# Words, names, teams and things people build passwords from.
WORDS = """
password passwort motdepasse contrasena senha parola wachtwoord haslo salasana
welcome letmein iloveyou loveyou lovely loveme trustno secret access admin master super
monkey dragon shadow sunshine princess football baseball basketball soccer hockey tennis golf
superman batman spiderman ironman pokemon pikachu naruto starwars startrek matrix minecraft
fortnite roblox warcraft diablo zelda mario nintendo playstation xbox gamer
michael jennifer jessica ashley matthew joshua daniel andrew christopher anthony william
charlie robert thomas george richard joseph david james john jordan taylor michelle nicole
amanda samantha elizabeth stephanie melissa heather rebecca natalie alexander benjamin
nicholas jonathan christina patricia barbara margaret victoria caroline isabella sophia
olivia emma charlotte amelia harry oliver jack jacob noah liam lucas mason ethan logan
maggie buster bailey charlie bella lucky max rocky molly daisy teddy cookie ginger pepper
tigger smokey snoopy scooby sparky buddy princess angel baby babygirl sweetheart honey
hunter killer soldier warrior ninja samurai knight pirate wizard dragonfly phoenix falcon
eagle tiger lion panther wolf bear shark cobra viper python jaguar mustang stallion
ferrari porsche mercedes corvette camaro mustang harley yamaha honda toyota nissan ford
chevrolet bmw audi volkswagen subaru tesla
yankees redsox dodgers cowboys steelers packers patriots eagles raiders lakers celtics
bulls chelsea arsenal liverpool manchester barcelona realmadrid juventus bayern
america freedom liberty united kingdom london paris berlin newyork chicago texas
california florida dallas boston atlanta seattle denver houston miami vegas
summer winter autumn spring january february march april june july august september
october november december monday friday sunday
computer internet google facebook twitter youtube instagram linkedin microsoft apple
samsung android iphone windows linux ubuntu oracle server database system network
security changeme default guest login user username test testing demo sample
money dollar bitcoin crypto trading trader stocks market invest profit wallet
coffee chocolate cheese banana orange apple cherry strawberry pizza burger
flower butterfly rainbow diamond silver golden crystal purple yellow orange green
thunder lightning storm midnight starlight moonlight sunshine heaven angel
blessed jesus christ god faith church hallelujah
family forever together friends friend happy happiness smile
music guitar piano drums rocknroll metallica nirvana beatles eminem
whatever nothing something anything everything hello hellokitty goodbye
qwerty asdf zxcv abc abcd abcdef
meridian tradingbot
"""

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "!", "1!", "123!", "@123", "01", "2024", "2025", "2026"]
YEARS = [str(y) for y in range(1980, 2027)]
# The words that most often carry a birth or current year.
YEAR_WORDS = """
password qwerty welcome iloveyou monkey dragon football baseball soccer hockey princess sunshine
summer winter michael jennifer jessica ashley jordan charlie superman batman master shadow
hunter killer money freedom america london chelsea arsenal liverpool yankees cowboys
"""


def variants(word, leet=False):
    for s in SUFFIXES:
        yield word + s
    # Capitalised forms compare the same once lower-cased; the usual leetspeak forms do not.
    if leet:
        swapped = word.replace("a", "@").replace("o", "0").replace("e", "3").replace("s", "$")
        if swapped != word:
            for s in ("", "1", "123", "!"):
                yield swapped + s


def main():
    out = set()
    for word in WALKS.split():
        out.update(variants(word.lower()))
    for word in TOP.split() + WORDS.split():
        w = word.lower()
        out.update(variants(w, leet=True))
        out.add(w + w)
    for word in YEAR_WORDS.split():
        for y in YEARS:
            out.add(word + y)
    for y in YEARS:
        out.add("password" + y)
        out.add("qwerty" + y)
        out.add(y + y)
    kept = sorted(p for p in out if len(p.encode()) >= MIN_BYTES)
    path = Path(__file__).with_name("common-passwords.txt")
    path.write_text("\n".join(kept) + "\n")
    print(f"{path}: {len(kept)} entries")


if __name__ == "__main__":
    main()
