#!/usr/bin/env bash
# A first walk through the API against `npm start` (demo data): the Hangzhou firm files and
# submits an application, the Hangzhou reviewer approves it, the Ningbo reviewer cannot see it,
# and its history verifies. Needs curl and node. Run: bash docs/walkthrough.sh
set -euo pipefail
B=${BASE_URL:-http://localhost:3000}/api/v1
PW=${DEMO_PASSWORD:-Demo-2026!}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval("v"+process.argv[1]))})' "$1"; }
login() { curl -sf "$B/auth/login" -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$PW\"}" | json .token; }

FIRM=$(login firm@demo.local); HZ=$(login municipal.hz@demo.local); NB=$(login municipal.nb@demo.local)
ROUND=$(curl -sf "$B/rounds" -H "authorization: Bearer $FIRM" | json '.items[0].id')
INSURER=$(curl -sf "$B/rounds" -H "authorization: Bearer $FIRM" | json '.items[0].insurerIds[0]')
# this year's dates (Beijing), inside the demo round's insurance window (1 September last year to 31 December)
Y=$(TZ=Asia/Shanghai date +%Y); LAST=$((Y - 1))
ENTRY=$(curl -sf "$B/catalogue/entries?q=%E7%A1%85%E6%99%B6%E5%9C%86" | json '.items[0].id')   # q=硅晶圆

CASE=$(curl -sf "$B/cases" -H "authorization: Bearer $FIRM" -H 'content-type: application/json' -d @- <<JSON | json .id
{ "roundId": "$ROUND", "catalogueEntryId": "$ENTRY",
  "material": { "name": "低缺陷高平坦度大尺寸半导体硅晶圆", "specification": "300 mm, P型", "batchNo": "B$Y-001" },
  "userUnit": { "name": "宁波甬芯集成电路有限公司", "uscc": "91330100799655058B", "notAffiliate": true, "notTrader": true },
  "contract": { "number": "HT-$Y-018", "signedOn": "$LAST-12-01", "amount": "10000000.00", "quantity": "20000", "unit": "片", "deliveredOn": "$Y-01-01" },
  "policy": { "insurerId": "$INSURER", "number": "PICC-$Y-0001", "liabilityLimit": "60000000.00", "premium": "1500000.00",
              "startsOn": "$Y-01-01", "endsOn": "$Y-12-31", "premiumInvoiceNo": "FP-$Y-0001", "paidOn": "$LAST-12-25" } }
JSON
)
echo "draft: $CASE"

# the nine required documents (a tiny PDF each; the type is checked from the content)
PDF=$(mktemp --suffix=.pdf); printf '%%PDF-1.4\n%%demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$PDF"
for type in business_license sales_contract sales_invoice insurance_policy premium_invoice premium_payment_proof test_report user_confirmation integrity_pledge; do
  curl -sf "$B/cases/$CASE/documents" -H "authorization: Bearer $FIRM" -F "type=$type" -F "file=@$PDF;type=application/pdf" > /dev/null
done
rm -f "$PDF"

curl -sf "$B/cases/$CASE/events" -H "authorization: Bearer $FIRM" -H 'content-type: application/json' -d '{"type":"SUBMIT"}'; echo
VERSION=$(curl -sf "$B/cases/$CASE" -H "authorization: Bearer $HZ" | json .version)
curl -sf "$B/cases/$CASE/events" -H "authorization: Bearer $HZ" -H "If-Match: \"$VERSION\"" -H 'content-type: application/json' -d '{"type":"APPROVE","comment":"材料齐全"}'; echo
echo "Ningbo reviewer reading it: HTTP $(curl -s -o /dev/null -w '%{http_code}' "$B/cases/$CASE" -H "authorization: Bearer $NB")"
curl -sf "$B/audit/verify?caseId=$CASE" -H "authorization: Bearer $HZ"; echo
