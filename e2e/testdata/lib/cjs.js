module.exports.greet = function (who) { return 'hello ' + who; };
