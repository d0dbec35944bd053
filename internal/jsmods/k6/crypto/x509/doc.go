// Package x509 is the "k6/crypto/x509" JS module (k6-spec §7.5): parse(pem)
// returns a certificate object, and getAltNames, getIssuer and getSubject
// return one part of it.
//
// The first CERTIFICATE block of the PEM input (a string or an
// ArrayBuffer) is parsed with crypto/x509. The object is made of plain JS
// values so that scripts can JSON.stringify it:
//
//	{subject, issuer, notBefore, notAfter, altNames, signatureAlgorithm,
//	 fingerPrint, publicKey: {algorithm, key}}
//
// notBefore and notAfter are RFC 3339 strings in UTC
// ("2021-05-01T00:00:00Z"), as k6 formatted them; fingerPrint is the
// SHA-1 of the DER certificate as an array of 20 numbers; altNames lists
// DNS names, e-mail addresses, IP addresses and URIs in that order;
// signatureAlgorithm is Go's name ("SHA256-RSA"). publicKey.algorithm is
// "RSA", "ECDSA", "DSA" or "Ed25519"; key is {n, e} (n a BigInt) for RSA,
// {curve, x, y} for ECDSA, {p, q, g, y} for DSA and an ArrayBuffer for
// Ed25519.
//
// Subject and issuer are {commonName, country, postalCode,
// stateOrProvinceName, localityName, streetAddress, organizationName,
// organizationalUnitName: [], names: [{id, name, type, value}]}: the
// single-valued fields hold the attribute's first value or "", names
// lists every attribute in certificate order with its OID (id, and type
// as k6 v0.32 called it) and its X.520 name (the OID when unknown).
//
// It is a module of its own, not part of k6/crypto, and imports only
// jsmod and ext from stampede.
package x509
